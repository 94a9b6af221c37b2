import { useId } from 'react';
import { useUpdate } from '../edit-context';
import { Field } from '../field';
import { useNodeIssues } from '../issues';
import { OP_LABELS, opsFor, valueForOp } from '../operators';
import type { Op } from '../rule-types';
import type { TraitNode } from '../tree';
import { allTraits, traitField, useCatalogContext } from '../use-catalog';
import { ValueInput } from '../value-input';

/** `plan = "pro"`: a trait of the profile (or `account.…`, or a computed one), an operator that fits its type. */
export function TraitEditor({ node }: { readonly node: TraitNode }) {
  const { catalog } = useCatalogContext();
  const update = useUpdate(node);
  const issues = useNodeIssues(node.key);
  const listId = useId();
  const field = traitField(catalog, node.trait);
  const types = field?.types ?? [];
  return (
    <div className="builder-row">
      <Field label="Trait" issues={issues.at('trait')}>
        {(input) => (
          <>
            <input
              {...input}
              list={listId}
              value={node.trait}
              onChange={(event) => update({ trait: event.target.value })}
            />
            <datalist id={listId}>
              {allTraits(catalog).map((trait) => (
                <option key={trait.path} value={trait.path}>
                  {`${trait.types.join(', ')}${trait.source === 'computed' ? ' · computed' : ''}`}
                </option>
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field label="Operator" issues={issues.at('op')}>
        {(input) => (
          <select
            {...input}
            value={node.op}
            onChange={(event) => {
              const op = event.target.value as Op;
              update({ op, value: valueForOp(op, node.value, types) });
            }}
          >
            {opsFor(types, node.op).map((op) => (
              <option key={op} value={op}>
                {OP_LABELS[op]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ValueInput
        op={node.op}
        value={node.value}
        types={types}
        examples={field?.examples ?? []}
        issues={issues.under('value')}
        onChange={(value) => update({ value })}
      />
    </div>
  );
}
