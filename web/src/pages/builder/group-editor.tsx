import { Fragment } from 'react';
import { newEvent } from './defaults';
import { useEdit } from './edit-context';
import { Field, NodeErrors } from './field';
import { useNodeIssues } from './issues';
import { NodeActions } from './node-actions';
import { NodeEditor, type NodeEditorProps } from './node-editor';
import { addTo, type GroupNode, newKey, updateNode } from './tree';
import { useCatalogContext } from './use-catalog';

/** All of / any of a list of conditions, each editable, reorderable, groupable and removable. */
export function GroupEditor({
  node,
  label,
  index,
  siblings,
  actions,
  root = false,
}: NodeEditorProps & { readonly node: GroupNode }) {
  const { catalog } = useCatalogContext();
  const edit = useEdit();
  const issues = useNodeIssues(node.key);
  const childLabel = (i: number) => (root ? `Condition ${i + 1}` : `${label}.${i + 1}`);
  const word = node.type === 'and' ? 'and' : 'or';
  return (
    <fieldset className={root ? 'builder-group root' : 'builder-group'}>
      <legend className={root ? 'sr-only' : 'builder-legend'}>{label}</legend>
      <div className="builder-node-head">
        <Field label="Match">
          {(input) => (
            <select
              {...input}
              value={node.type}
              onChange={(event) => {
                const type = event.target.value === 'or' ? 'or' : 'and';
                edit((tree) => updateNode(tree, node.key, (group) => ({ ...group, type }) as GroupNode));
              }}
            >
              <option value="and">all of these (AND)</option>
              <option value="or">any of these (OR)</option>
            </select>
          )}
        </Field>
        {actions && !(root && node.rules.length === 0) ? (
          <NodeActions node={node} label={label} index={index} siblings={siblings} />
        ) : null}
      </div>
      {node.rules.length === 0 && root ? (
        <p className="muted">No conditions yet: add one to start counting members.</p>
      ) : (
        <NodeErrors issues={issues.general(node.type).concat(issues.at('rules'))} />
      )}
      <ol className="builder-children">
        {node.rules.map((child, i) => (
          <Fragment key={child.key}>
            {i > 0 ? (
              <li className="builder-joiner" aria-hidden="true">
                {word}
              </li>
            ) : null}
            <li>
              <NodeEditor node={child} label={childLabel(i)} index={i} siblings={node.rules.length} actions />
            </li>
          </Fragment>
        ))}
      </ol>
      <div className="builder-row">
        <button
          type="button"
          className="small"
          aria-label={`Add a condition to ${label}`}
          onClick={() => edit((tree) => addTo(tree, node.key, newEvent(catalog)))}
        >
          + Condition
        </button>
        <button
          type="button"
          className="small"
          aria-label={`Add a group to ${label}`}
          onClick={() =>
            edit((tree) =>
              addTo(tree, node.key, {
                key: newKey(),
                type: node.type === 'and' ? 'or' : 'and',
                rules: [newEvent(catalog)],
              }),
            )
          }
        >
          + Group
        </button>
      </div>
    </fieldset>
  );
}
