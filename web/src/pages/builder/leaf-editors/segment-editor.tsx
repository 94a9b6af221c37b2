import { useUpdate } from '../edit-context';
import { Field } from '../field';
import { useNodeIssues } from '../issues';
import type { SegmentNode } from '../tree';
import { useCatalogContext } from '../use-catalog';

/** `in segment "Employees"`: another saved segment, evaluated at the same time (a segment cannot refer to itself). */
export function SegmentEditor({ node }: { readonly node: SegmentNode }) {
  const { catalog, selfId } = useCatalogContext();
  const update = useUpdate(node);
  const issues = useNodeIssues(node.key);
  const others = catalog.segments.filter((segment) => segment.id !== selfId);
  const known = others.some((segment) => segment.name === node.segment);
  return (
    <div className="builder-row">
      <Field label="Segment" issues={issues.at('segment')} className="grow">
        {(input) => (
          <select {...input} value={node.segment} onChange={(event) => update({ segment: event.target.value })}>
            {known ? null : (
              <option value={node.segment}>{node.segment === '' ? '(choose a segment)' : node.segment}</option>
            )}
            {others.map((segment) => (
              <option key={segment.id} value={segment.name}>
                {segment.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
