import { useState } from 'react';
import { api } from '../../api/client';
import { formatInt } from '../../components/format';
import { ErrorMessage } from '../../components/states';
import type { SegmentSummary } from './types';

const FORMATS = [
  { format: 'csv', extension: 'csv', label: 'CSV', about: 'one user_id per line under a header' },
  { format: 'jsonl', extension: 'jsonl', label: 'JSON Lines', about: 'one {"user_id": …} object per line' },
] as const;

type Format = (typeof FORMATS)[number];

/** A name that is safe as a file name on every system, from the segment's name. */
function fileName(segment: SegmentSummary, format: Format): string {
  const base = segment.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || segment.id;
  return `${base}.${format.extension}`;
}

/** GET /api/segments/:id/members?format=…: the whole membership as a file. */
export function ExportTab({ segment }: { readonly segment: SegmentSummary }) {
  const [status, setStatus] = useState<
    | { state: 'idle' }
    | { state: 'busy'; label: string }
    | { state: 'done'; text: string }
    | { state: 'failed'; error: unknown }
  >({ state: 'idle' });

  const download = async (format: Format) => {
    setStatus({ state: 'busy', label: format.label });
    try {
      const name = fileName(segment, format);
      const bytes = await api.download(
        `/api/segments/${encodeURIComponent(segment.id)}/members`,
        { format: format.format },
        name,
      );
      setStatus({ state: 'done', text: `Saved ${name} (${formatInt(bytes)} bytes).` });
    } catch (error) {
      setStatus({ state: 'failed', error });
    }
  };

  return (
    <>
      <p>
        Every member at the last refresh (
        {segment.size === null ? 'never refreshed' : `${formatInt(segment.size)} users`}), as a file.
      </p>
      <div className="actions">
        {FORMATS.map((format) => (
          <button
            key={format.format}
            type="button"
            className="primary"
            onClick={() => download(format)}
            disabled={status.state === 'busy'}
            title={format.about}
          >
            Download {format.label}
          </button>
        ))}
      </div>
      <ul className="muted small">
        {FORMATS.map((format) => (
          <li key={format.format}>
            {format.label}: {format.about}.
          </li>
        ))}
      </ul>
      {status.state === 'busy' ? (
        <p role="status" className="muted">
          Preparing the {status.label} file…
        </p>
      ) : null}
      {status.state === 'done' ? <p role="status">{status.text}</p> : null}
      {status.state === 'failed' ? <ErrorMessage error={status.error} /> : null}
    </>
  );
}
