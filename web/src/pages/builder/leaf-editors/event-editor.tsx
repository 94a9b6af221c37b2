import { useUpdate } from '../edit-context';
import { Field } from '../field';
import { useNodeIssues } from '../issues';
import { COUNT_LABELS } from '../operators';
import { CMP_OPS, type CmpOp } from '../rule-types';
import type { EventNode } from '../tree';
import { EventSelect } from './event-select';
import { FiltersEditor } from './filters-editor';
import { WindowEditor } from './window-editor';

/** `did "Order Completed" >= 3 times where (…) in last 90d`. */
export function EventEditor({ node }: { readonly node: EventNode }) {
  const update = useUpdate(node);
  const issues = useNodeIssues(node.key);
  const count = node.count ?? { op: '>=' as const, value: 1 };
  return (
    <>
      <div className="builder-row">
        <Field label="Event" issues={issues.at('event')} className="grow">
          {(input) => <EventSelect input={input} value={node.event} onChange={(event) => update({ event })} />}
        </Field>
        <Field label="How often" issues={issues.at('count.op')}>
          {(input) => (
            <select
              {...input}
              value={count.op}
              onChange={(event) => update({ count: { ...count, op: event.target.value as CmpOp } })}
            >
              {CMP_OPS.map((op) => (
                <option key={op} value={op}>
                  {COUNT_LABELS[op]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Times" issues={issues.under('count.value').concat(issues.at('count'))} className="narrow">
          {(input) => (
            <input
              {...input}
              type="number"
              min={0}
              step={1}
              value={count.value}
              onChange={(event) => update({ count: { ...count, value: event.target.value } })}
            />
          )}
        </Field>
        <WindowEditor window={node.window} onChange={(window) => update({ window })} issues={issues} />
      </div>
      <FiltersEditor
        event={node.event}
        filters={node.where ?? []}
        onChange={(where) => update({ where })}
        issues={issues}
        prefix="where"
        label="Filter"
      />
    </>
  );
}
