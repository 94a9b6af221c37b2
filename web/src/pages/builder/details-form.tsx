import type { ApiIssue } from '../../api/client';
import { Field } from './field';

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

/** What the server would refuse in a name, said before saving (so a normal save never fails on it). */
export function nameIssues(
  name: string,
  taken: readonly { id: string; name: string }[],
  selfId: string | null,
): ApiIssue[] {
  const issue = (code: string, message: string): ApiIssue[] => [{ code, path: 'name', message }];
  if (name === '') return issue('missing_field', 'Give the segment a name.');
  if (name.trim() !== name) return issue('invalid_value', 'The name must not start or end with spaces.');
  if (name.length > MAX_NAME) return issue('invalid_value', `The name must be at most ${MAX_NAME} characters.`);
  if (taken.some((segment) => segment.name === name && segment.id !== selfId))
    return issue('duplicate_name', `A segment named "${name}" already exists.`);
  return [];
}

export function DetailsForm({
  name,
  description,
  onName,
  onDescription,
  issues,
}: {
  readonly name: string;
  readonly description: string;
  readonly onName: (name: string) => void;
  readonly onDescription: (description: string) => void;
  readonly issues: { readonly name: readonly ApiIssue[]; readonly description: readonly ApiIssue[] };
}) {
  return (
    <div className="builder-details">
      <Field label="Name" issues={issues.name}>
        {(input) => (
          <input {...input} value={name} maxLength={MAX_NAME + 10} onChange={(event) => onName(event.target.value)} />
        )}
      </Field>
      <Field label="Description (optional)" issues={issues.description} className="grow">
        {(input) => (
          <input
            {...input}
            value={description}
            maxLength={MAX_DESCRIPTION}
            onChange={(event) => onDescription(event.target.value)}
          />
        )}
      </Field>
    </div>
  );
}
