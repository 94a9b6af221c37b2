import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { formatInt, formatPercent } from '../../components/format';
import { Panel } from '../../components/page';
import { ErrorMessage } from '../../components/states';
import { Link } from '../../router';
import type { Persona } from './types';

type Choice = 'trait' | 'suggested';

/** The rule that is exactly the persona: the `cluster` trait the fit wrote into every profile. */
export const traitRule = (name: string) => ({ type: 'trait', trait: 'cluster', op: '=', value: name });

/**
 * Saves a persona as a segment, by one of two rules: the `cluster` trait (exactly the persona, and it follows the
 * next refit), or the suggested behavioural rule (close to the persona, with how close measured, and it follows the
 * users' events live without a refit).
 */
export function SavePersona({ persona, onClose }: { readonly persona: Persona; readonly onClose: () => void }) {
  const [choice, setChoice] = useState<Choice>('trait');
  const [name, setName] = useState(`Persona: ${persona.name}`);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<{ id: string; name: string } | null>(null);
  const nameError = useId();
  const suggestion = persona.segment;
  const form = useRef<HTMLFormElement>(null);

  // The form opens below every card: bring it into view and put the keyboard in it.
  useEffect(() => {
    form.current?.scrollIntoView({ block: 'nearest' });
    form.current?.querySelector('input')?.focus({ preventScroll: true });
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const rule = choice === 'suggested' && suggestion ? suggestion.rule : traitRule(persona.name);
      const created = await api.post<{ id: string; name: string }>('/api/segments', {
        name: name.trim(),
        description: `Persona “${persona.name}” (${choice === 'trait' ? 'cluster trait' : 'suggested rule'})`,
        rule,
      });
      setSaved(created);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  const nameProblem = error instanceof ApiError && error.allIssues().find((issue) => issue.path === 'name');
  return (
    <Panel title={`Save “${persona.name}” as a segment`} wide>
      <form ref={form} onSubmit={(event) => void submit(event)} className="save-persona">
        <fieldset>
          <legend>Rule</legend>
          <label className="inline choice">
            <input
              type="radio"
              name={`rule-${persona.index}`}
              value="trait"
              checked={choice === 'trait'}
              onChange={() => setChoice('trait')}
            />
            <span>
              Exactly this persona: <code>cluster = "{persona.name}"</code> — {formatInt(persona.size)} users now;
              follows the next refit.
            </span>
          </label>
          <label className="inline choice">
            <input
              type="radio"
              name={`rule-${persona.index}`}
              value="suggested"
              checked={choice === 'suggested'}
              disabled={!suggestion}
              onChange={() => setChoice('suggested')}
            />
            {suggestion ? (
              <span>
                The suggested behavioural rule (follows events live) — precision{' '}
                {formatPercent(suggestion.agreement.precision)}, recall {formatPercent(suggestion.agreement.recall)},
                agreement {formatPercent(suggestion.agreement.accuracy)}.
              </span>
            ) : (
              <span>No suggested rule: the features this persona was found on cannot be stated as a rule.</span>
            )}
          </label>
          {suggestion ? <pre className="persona-rule">{suggestion.text}</pre> : null}
        </fieldset>
        <label>
          Segment name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            aria-invalid={nameProblem ? true : undefined}
            aria-describedby={nameProblem ? nameError : undefined}
          />
        </label>
        {nameProblem ? (
          <p id={nameError} className="field-error">
            {nameProblem.message}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={saving || name.trim() === ''}>
            {saving ? 'Saving…' : 'Save segment'}
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {error !== undefined && !nameProblem ? <ErrorMessage error={error} /> : null}
        {saved ? (
          <p role="status">
            Saved. <Link href={`/segments/${encodeURIComponent(saved.id)}`}>Open the segment “{saved.name}”</Link>
          </p>
        ) : null}
      </form>
    </Panel>
  );
}
