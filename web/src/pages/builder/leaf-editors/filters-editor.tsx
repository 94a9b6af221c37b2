import { useId } from 'react';
import { newFilter } from '../defaults';
import { Field, NodeErrors } from '../field';
import type { NodeIssues } from '../issues';
import { OP_LABELS, opsFor, valueForOp } from '../operators';
import type { Op } from '../rule-types';
import type { FilterDraft } from '../tree';
import { eventOf, propertyField, useCatalogContext } from '../use-catalog';
import { ValueInput } from '../value-input';

/**
 * The `where` filters of an event (or a sequence step): property, operator and value each, the properties and their
 * types from the catalog's sample of that event. `prefix` is where they sit in the issue paths (`where`,
 * `steps.1.where`).
 */
export function FiltersEditor({
  event,
  filters,
  onChange,
  issues,
  prefix,
  label,
}: {
  readonly event: string;
  readonly filters: readonly FilterDraft[];
  readonly onChange: (filters: FilterDraft[]) => void;
  readonly issues: NodeIssues;
  readonly prefix: string;
  /** Names the filters for assistive tech: "Filter 2 of step 1". */
  readonly label: string;
}) {
  const { catalog } = useCatalogContext();
  const listId = useId();
  const properties = eventOf(catalog, event)?.properties ?? [];
  const replace = (index: number, filter: FilterDraft) => onChange(filters.map((f, i) => (i === index ? filter : f)));
  return (
    <div className="builder-filters">
      {filters.map((filter, index) => {
        const field = propertyField(catalog, event, filter.property);
        const types = field?.types ?? [];
        const at = `${prefix}.${index}`;
        return (
          <fieldset key={filter.key} className="builder-row builder-filter">
            <legend className="sr-only">{`${label} ${index + 1}`}</legend>
            <span className="builder-where">{index === 0 ? 'where' : 'and'}</span>
            <Field label="Property" issues={issues.at(`${at}.property`)}>
              {(input) => (
                <input
                  {...input}
                  list={listId}
                  value={filter.property}
                  onChange={(e) => replace(index, { ...filter, property: e.target.value })}
                />
              )}
            </Field>
            <Field label="Operator" issues={issues.at(`${at}.op`)}>
              {(input) => (
                <select
                  {...input}
                  value={filter.op}
                  onChange={(e) => {
                    const op = e.target.value as Op;
                    const value = valueForOp(op, filter.value, types);
                    const { value: _old, ...rest } = filter;
                    replace(index, { ...rest, op, ...(value === undefined ? {} : { value }) });
                  }}
                >
                  {opsFor(types, filter.op).map((op) => (
                    <option key={op} value={op}>
                      {OP_LABELS[op]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <ValueInput
              op={filter.op}
              value={filter.value}
              types={types}
              examples={field?.examples ?? []}
              issues={issues.under(`${at}.value`)}
              onChange={(value) => {
                const { value: _old, ...rest } = filter;
                replace(index, { ...rest, ...(value === undefined ? {} : { value }) });
              }}
            />
            <button
              type="button"
              className="small"
              aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
              onClick={() => onChange(filters.filter((_, i) => i !== index))}
            >
              Remove
            </button>
            <NodeErrors issues={issues.at(at)} />
          </fieldset>
        );
      })}
      <datalist id={listId}>
        {properties.map((property) => (
          <option key={property.path} value={property.path}>
            {property.types.join(', ')}
          </option>
        ))}
      </datalist>
      <button type="button" className="small" onClick={() => onChange([...filters, newFilter(catalog, event)])}>
        Add filter
      </button>
    </div>
  );
}
