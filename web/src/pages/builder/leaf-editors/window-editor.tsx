import { DurationInput } from '../duration-input';
import { Field } from '../field';
import type { NodeIssues } from '../issues';
import { today } from '../operators';
import type { Window } from '../rule-types';

type WindowKind = 'any' | 'last' | 'range';

const kindOf = (window: Window | undefined): WindowKind =>
  window === undefined ? 'any' : 'last' in window ? 'last' : 'range';

const dateOf = (value: string | undefined): string => (value ?? '').slice(0, 10);

/** When the events count: any time, in the last n days, or between two dates (the end exclusive). */
export function WindowEditor({
  window,
  onChange,
  issues,
}: {
  readonly window: Window | undefined;
  readonly onChange: (window: Window | undefined) => void;
  readonly issues: NodeIssues;
}) {
  const kind = kindOf(window);
  const choose = (next: WindowKind) => {
    if (next === 'any') onChange(undefined);
    else if (next === 'last') onChange({ last: '30d' });
    else onChange({ since: today() });
  };
  return (
    <>
      <Field label="When" issues={issues.at('window')}>
        {(input) => (
          <select {...input} value={kind} onChange={(event) => choose(event.target.value as WindowKind)}>
            <option value="any">any time</option>
            <option value="last">in the last…</option>
            <option value="range">between dates…</option>
          </select>
        )}
      </Field>
      {window && 'last' in window ? (
        <DurationInput
          label="In the last"
          value={window.last}
          onChange={(last) => onChange({ last })}
          issues={issues.at('window.last')}
        />
      ) : null}
      {window && 'since' in window ? (
        <>
          <Field label="Since (UTC)" issues={issues.at('window.since')}>
            {(input) => (
              <input
                {...input}
                type="date"
                value={dateOf(window.since)}
                onChange={(event) =>
                  onChange({ since: event.target.value, ...(window.until ? { until: window.until } : {}) })
                }
              />
            )}
          </Field>
          <Field label="Until, not included (optional)" issues={issues.at('window.until')}>
            {(input) => (
              <input
                {...input}
                type="date"
                value={dateOf(window.until)}
                onChange={(event) =>
                  onChange({ since: window.since, ...(event.target.value ? { until: event.target.value } : {}) })
                }
              />
            )}
          </Field>
        </>
      ) : null}
    </>
  );
}
