import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import type { CreatedWebhook } from './types';

type Field = 'url' | 'batch_size' | 'secret';
const FIELDS: readonly Field[] = ['url', 'batch_size', 'secret'];

/** The API's issues on the form's fields, by field; the others are shown above the form. */
function fieldErrors(error: unknown): { fields: Partial<Record<Field, string>>; rest: unknown } {
  if (!(error instanceof ApiError)) return { fields: {}, rest: error };
  const fields: Partial<Record<Field, string>> = {};
  let unplaced = false;
  for (const issue of error.allIssues()) {
    const field = FIELDS.find((name) => issue.path === name);
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${issue.message}` : issue.message;
    else unplaced = true;
  }
  return { fields, rest: unplaced ? error : undefined };
}

function FieldError({ id, message }: { readonly id: string; readonly message: string | undefined }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null;
}

/** POST /api/webhooks for this segment; the secret is shown once, as the API gives it only once. */
export function WebhookForm({ segmentId, onCreated }: { readonly segmentId: string; readonly onCreated: () => void }) {
  const [url, setUrl] = useState('');
  const [batch, setBatch] = useState('1');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const { fields, rest } = fieldErrors(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const webhook = await api.post<CreatedWebhook>('/api/webhooks', {
        url: url.trim(),
        segments: [segmentId],
        batch_size: Number(batch),
        ...(secret ? { secret } : {}),
      });
      setCreated(webhook);
      setUrl('');
      setSecret('');
      onCreated();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: Field) =>
    fields[field] ? { 'aria-invalid': true, 'aria-describedby': `webhook-${field}-error` } : {};

  return (
    <>
      {created ? (
        <div className="segment-secret" role="status">
          <p>
            <strong>Webhook created.</strong> Its signing secret is shown only now; store it where the receiver can read
            it:
          </p>
          <p>
            <code data-testid="webhook-secret">{created.secret}</code>{' '}
            <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
              Copy
            </button>{' '}
            <button type="button" className="small" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </div>
      ) : null}
      {rest !== undefined ? <ErrorMessage error={rest} /> : null}
      <form className="segment-form" onSubmit={submit} aria-label="New webhook" noValidate>
        <div>
          <label>
            Receiver URL
            <input
              type="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://example.com/hooks/strata"
              required
              {...invalid('url')}
            />
          </label>
          <FieldError id="webhook-url-error" message={fields.url} />
        </div>
        <div>
          <label>
            Changes per request
            <input
              type="number"
              min={1}
              max={1000}
              value={batch}
              onChange={(event) => setBatch(event.target.value)}
              {...invalid('batch_size')}
            />
          </label>
          <FieldError id="webhook-batch_size-error" message={fields.batch_size} />
        </div>
        <div>
          <label>
            Secret (optional, 16+ characters)
            <input
              type="text"
              autoComplete="off"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              placeholder="generated when empty"
              {...invalid('secret')}
            />
          </label>
          <FieldError id="webhook-secret-error" message={fields.secret} />
        </div>
        <button type="submit" className="primary" disabled={busy || url.trim() === ''}>
          {busy ? 'Creating…' : 'Create webhook'}
        </button>
      </form>
    </>
  );
}
