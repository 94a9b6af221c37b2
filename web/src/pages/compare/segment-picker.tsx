import { type FormEvent, useRef, useState } from 'react';
import { formatInt } from '../../components/format';
import type { SegmentSummary } from '../segment/types';

export const MIN_SEGMENTS = 2;
export const MAX_SEGMENTS = 4;

/**
 * The chosen segments as chips, each with its own remove button, and a select with an Add button for the next one
 * (a select that acted on change would add a segment at every arrow key).
 */
export function SegmentPicker({
  segments,
  chosen,
  onChange,
}: {
  readonly segments: readonly SegmentSummary[];
  readonly chosen: readonly SegmentSummary[];
  readonly onChange: (ids: readonly string[]) => void;
}) {
  const remaining = segments.filter((segment) => !chosen.some((c) => c.id === segment.id));
  const [next, setNext] = useState('');
  const select = useRef<HTMLSelectElement>(null);
  const full = chosen.length >= MAX_SEGMENTS;
  const pick = remaining.some((segment) => segment.id === next) ? next : (remaining[0]?.id ?? '');

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!pick || full) return;
    onChange([...chosen.map((c) => c.id), pick]);
    setNext('');
  };
  const remove = (id: string) => {
    onChange(chosen.filter((c) => c.id !== id).map((c) => c.id));
    select.current?.focus();
  };

  return (
    <div className="compare-picker">
      <ul className="compare-chips" aria-label="Segments compared">
        {chosen.length === 0 ? <li className="muted">None chosen yet.</li> : null}
        {chosen.map((segment) => (
          <li key={segment.id} className="compare-chip">
            {segment.name}
            <button
              type="button"
              aria-label={`Remove ${segment.name}`}
              title="Remove"
              onClick={() => remove(segment.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="toolbar" onSubmit={add} style={{ marginBottom: 0 }}>
        <label>
          Add a segment
          <select
            ref={select}
            value={pick}
            onChange={(event) => setNext(event.target.value)}
            disabled={full || remaining.length === 0}
          >
            {remaining.map((segment) => (
              <option key={segment.id} value={segment.id}>
                {segment.name} ({segment.size === null ? 'never refreshed' : formatInt(segment.size)})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={full || !pick}>
          Add
        </button>
        <span className="muted small">
          {full ? `At most ${MAX_SEGMENTS} at a time.` : `${MIN_SEGMENTS} to ${MAX_SEGMENTS} segments.`}
        </span>
      </form>
    </div>
  );
}
