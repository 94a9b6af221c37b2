import { newStep } from '../defaults';
import { DurationInput } from '../duration-input';
import { useUpdate } from '../edit-context';
import { Field, NodeErrors } from '../field';
import { useNodeIssues } from '../issues';
import type { SequenceNode, StepDraft } from '../tree';
import { useCatalogContext } from '../use-catalog';
import { EventSelect } from './event-select';
import { FiltersEditor } from './filters-editor';
import { WindowEditor } from './window-editor';

const MIN_STEPS = 2;
const MAX_STEPS = 8;

/** `did "Product Viewed" then "Order Completed" within 1d in last 30d`: two to eight steps, in order. */
export function SequenceEditor({ node }: { readonly node: SequenceNode }) {
  const { catalog } = useCatalogContext();
  const update = useUpdate(node);
  const issues = useNodeIssues(node.key);
  const steps = node.steps;
  const setStep = (index: number, step: StepDraft) => update({ steps: steps.map((s, i) => (i === index ? step : s)) });
  const move = (index: number, delta: -1 | 1) => {
    const next = [...steps];
    [next[index], next[index + delta]] = [next[index + delta] as StepDraft, next[index] as StepDraft];
    update({ steps: next });
  };
  return (
    <>
      <ol className="builder-steps">
        {steps.map((step, index) => (
          <li key={step.key} aria-label={`Step ${index + 1}`}>
            <div className="builder-row">
              <Field
                label={index === 0 ? 'First did' : 'Then did'}
                issues={issues.at(`steps.${index}.event`)}
                className="grow"
              >
                {(input) => (
                  <EventSelect
                    input={input}
                    value={step.event}
                    onChange={(event) => setStep(index, { ...step, event })}
                  />
                )}
              </Field>
              <span className="builder-buttons">
                <button
                  type="button"
                  className="small"
                  aria-label={`Move step ${index + 1} up`}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="small"
                  aria-label={`Move step ${index + 1} down`}
                  disabled={index === steps.length - 1}
                  onClick={() => move(index, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="small"
                  aria-label={`Remove step ${index + 1}`}
                  disabled={steps.length <= MIN_STEPS}
                  onClick={() => update({ steps: steps.filter((_, i) => i !== index) })}
                >
                  Remove
                </button>
              </span>
            </div>
            <FiltersEditor
              event={step.event}
              filters={step.where ?? []}
              onChange={(where) => setStep(index, { ...step, where })}
              issues={issues}
              prefix={`steps.${index}.where`}
              label={`Filter of step ${index + 1},`}
            />
          </li>
        ))}
      </ol>
      <NodeErrors issues={issues.at('steps')} />
      <div className="builder-row">
        <button
          type="button"
          className="small"
          disabled={steps.length >= MAX_STEPS}
          onClick={() => update({ steps: [...steps, newStep(catalog, 0)] })}
        >
          Add step
        </button>
        <label className="inline">
          <input
            type="checkbox"
            checked={node.within !== undefined}
            onChange={(e) => update({ within: e.target.checked ? '1d' : undefined })}
          />
          All within a time limit
        </label>
        {node.within !== undefined ? (
          <DurationInput
            label="Within"
            value={node.within}
            onChange={(within) => update({ within })}
            issues={issues.at('within')}
          />
        ) : null}
        <WindowEditor window={node.window} onChange={(window) => update({ window })} issues={issues} />
      </div>
    </>
  );
}
