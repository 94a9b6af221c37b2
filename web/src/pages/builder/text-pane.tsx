import type { ApiIssue } from '../../api/client';
import { Field } from './field';

/**
 * The rule in the text form (docs/segments-text.md), side by side with the tree: typing here updates the tree when
 * the text is valid; otherwise the problem is said with its line and column.
 */
export function TextPane({
  text,
  issues,
  behind,
  onChange,
  onBlur,
}: {
  readonly text: string;
  readonly issues: readonly ApiIssue[];
  /** The tree changed into something invalid: the text is its last valid version. */
  readonly behind: boolean;
  readonly onChange: (text: string) => void;
  readonly onBlur: () => void;
}) {
  return (
    <div className="builder-text">
      <Field label="Rule as text" issues={issues}>
        {(input) => (
          <textarea
            {...input}
            rows={9}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            placeholder={'plan = "pro"\nand did "Order Completed" >= 3 times in last 90d'}
            value={text}
            onChange={(event) => onChange(event.target.value)}
            onBlur={onBlur}
          />
        )}
      </Field>
      {behind ? (
        <p className="muted small">The text shows the last valid rule: fix the highlighted fields to update it.</p>
      ) : (
        <p className="muted small">
          Edit either side; the other follows as soon as the rule is valid. Leaving the text tidies it.
        </p>
      )}
    </div>
  );
}
