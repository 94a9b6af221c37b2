import { useId } from 'react';
import type { ApiIssue } from '../../api/client';

const UNITS = [
  { unit: 'm', label: 'minutes' },
  { unit: 'h', label: 'hours' },
  { unit: 'd', label: 'days' },
  { unit: 'w', label: 'weeks' },
] as const;

/** `30d` as an amount and a unit; the pair goes back as typed, so the server names a bad amount on this field. */
export function DurationInput({
  label,
  value,
  onChange,
  issues = [],
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly issues?: readonly ApiIssue[];
}) {
  const id = useId();
  const match = /^(.*?)([mhdw])?$/.exec(value);
  const amount = match?.[1] ?? '';
  const unit = match?.[2] ?? 'd';
  const invalid = issues.length > 0;
  const described = invalid ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
  return (
    <div className="builder-field">
      <label htmlFor={id}>{label}</label>
      <span className="builder-duration">
        <input
          id={id}
          type="number"
          min={1}
          inputMode="numeric"
          value={amount}
          onChange={(event) => onChange(`${event.target.value}${unit}`)}
          {...described}
        />
        <select
          aria-label={`${label}: unit`}
          value={unit}
          onChange={(event) => onChange(`${amount}${event.target.value}`)}
        >
          {UNITS.map((u) => (
            <option key={u.unit} value={u.unit}>
              {u.label}
            </option>
          ))}
        </select>
      </span>
      {invalid ? (
        <p className="field-error" id={`${id}-error`}>
          {issues.map((issue) => issue.message).join('; ')}
        </p>
      ) : null}
    </div>
  );
}
