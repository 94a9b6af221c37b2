import { useId } from 'react';
import { useUpdate } from '../edit-context';
import { Field } from '../field';
import { useNodeIssues } from '../issues';
import { OP_LABELS } from '../operators';
import { AGGREGATE_FNS, type AggregateFn, CMP_OPS, type CmpOp } from '../rule-types';
import type { AggregateNode } from '../tree';
import { eventOf, useCatalogContext } from '../use-catalog';
import { EventSelect } from './event-select';
import { FiltersEditor } from './filters-editor';
import { WindowEditor } from './window-editor';

const FN_LABELS: Record<AggregateFn, string> = {
  sum: 'sum',
  avg: 'average',
  min: 'minimum',
  max: 'maximum',
  count_distinct: 'distinct values',
};

/** `sum of total in "Order Completed" > 500 in last 365d`. */
export function AggregateEditor({ node }: { readonly node: AggregateNode }) {
  const { catalog } = useCatalogContext();
  const update = useUpdate(node);
  const issues = useNodeIssues(node.key);
  const listId = useId();
  // Sums and averages read numbers; distinct values can be counted of anything.
  const properties = (eventOf(catalog, node.event)?.properties ?? []).filter(
    (p) => node.fn === 'count_distinct' || p.types.includes('number'),
  );
  return (
    <>
      <div className="builder-row">
        <Field label="Aggregate" issues={issues.at('fn')}>
          {(input) => (
            <select {...input} value={node.fn} onChange={(e) => update({ fn: e.target.value as AggregateFn })}>
              {AGGREGATE_FNS.map((fn) => (
                <option key={fn} value={fn}>
                  {FN_LABELS[fn]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Of property" issues={issues.at('property')}>
          {(input) => (
            <>
              <input
                {...input}
                list={listId}
                value={node.property}
                onChange={(e) => update({ property: e.target.value })}
              />
              <datalist id={listId}>
                {properties.map((p) => (
                  <option key={p.path} value={p.path}>
                    {p.types.join(', ')}
                  </option>
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="In event" issues={issues.at('event')} className="grow">
          {(input) => <EventSelect input={input} value={node.event} onChange={(event) => update({ event })} />}
        </Field>
        <Field label="Is" issues={issues.at('op')}>
          {(input) => (
            <select {...input} value={node.op} onChange={(e) => update({ op: e.target.value as CmpOp })}>
              {CMP_OPS.map((op) => (
                <option key={op} value={op}>
                  {OP_LABELS[op]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Amount" issues={issues.at('value')} className="narrow">
          {(input) => (
            <input {...input} type="number" value={node.value} onChange={(e) => update({ value: e.target.value })} />
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
