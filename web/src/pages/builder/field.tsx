import { type ReactNode, useId } from 'react';
import type { ApiIssue } from '../../api/client';

/** What a labelled input needs: its id, and whether and where its error is said. */
export interface InputProps {
  readonly id: string;
  readonly 'aria-invalid'?: true;
  readonly 'aria-describedby'?: string;
}

/**
 * A labelled input with the issues the server reported for it under it: `aria-invalid` on the input and the message
 * tied to it with `aria-describedby`, so a screen reader says both.
 */
export function Field({
  label,
  issues = [],
  className,
  children,
}: {
  readonly label: string;
  readonly issues?: readonly ApiIssue[];
  readonly className?: string;
  readonly children: (props: InputProps) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const invalid = issues.length > 0;
  return (
    <div className={className ? `builder-field ${className}` : 'builder-field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(invalid ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}) })}
      {invalid ? (
        <p className="field-error" id={errorId}>
          {issues.map((issue) => issue.message).join('; ')}
        </p>
      ) : null}
    </div>
  );
}

/** Issues that belong to a whole condition rather than one of its fields. */
export function NodeErrors({ issues }: { readonly issues: readonly ApiIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="builder-node-errors">
      {issues.map((issue) => (
        <li key={`${issue.path}:${issue.message}`} className="field-error">
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
