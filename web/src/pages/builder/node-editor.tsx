import { LEAF_LABELS, newLeaf } from './defaults';
import { useEdit } from './edit-context';
import { Field, NodeErrors } from './field';
import { GroupEditor } from './group-editor';
import { useNodeIssues } from './issues';
import { AggregateEditor } from './leaf-editors/aggregate-editor';
import { EventEditor } from './leaf-editors/event-editor';
import { SegmentEditor } from './leaf-editors/segment-editor';
import { SequenceEditor } from './leaf-editors/sequence-editor';
import { TraitEditor } from './leaf-editors/trait-editor';
import { NodeActions } from './node-actions';
import { isGroup, type LeafNode, type LeafType, type Node, type NotNode, updateNode } from './tree';
import { useCatalogContext } from './use-catalog';

export interface NodeEditorProps {
  readonly node: Node;
  /** "Condition 2.1": names the condition's group and its buttons. */
  readonly label: string;
  /** Position among the parent group's rules; null at the root and inside a NOT. */
  readonly index: number | null;
  readonly siblings: number;
  /** Inside a NOT, the NOT's header carries the actions. */
  readonly actions: boolean;
  /** The top of the tree: an empty root group invites a first condition instead of reporting an error. */
  readonly root?: boolean;
}

/** One node of the tree, whatever its kind. */
export function NodeEditor(props: NodeEditorProps) {
  const { node } = props;
  if (isGroup(node)) return <GroupEditor {...props} node={node} />;
  if (node.type === 'not') return <NotEditor {...props} node={node} />;
  return <LeafEditor {...props} node={node} />;
}

function NotEditor({ node, label, index, siblings, actions }: NodeEditorProps & { readonly node: NotNode }) {
  const issues = useNodeIssues(node.key);
  return (
    <div className="builder-not">
      <div className="builder-node-head">
        <span className="badge bad">NOT</span>
        <span className="muted small">none of this holds:</span>
        {actions ? <NodeActions node={node} label={label} index={index} siblings={siblings} /> : null}
      </div>
      <NodeErrors issues={issues.general('not')} />
      <NodeEditor node={node.rule} label={label} index={null} siblings={1} actions={false} />
    </div>
  );
}

const LEAF_TYPES = Object.keys(LEAF_LABELS) as LeafType[];

function LeafEditor({ node, label, index, siblings, actions }: NodeEditorProps & { readonly node: LeafNode }) {
  const { catalog, selfId } = useCatalogContext();
  const edit = useEdit();
  const issues = useNodeIssues(node.key);
  const noSegments = !catalog.segments.some((segment) => segment.id !== selfId);
  return (
    <fieldset className="builder-leaf">
      <legend className="builder-legend">{label}</legend>
      <div className="builder-node-head">
        <Field label="Condition">
          {(input) => (
            <select
              {...input}
              value={node.type}
              onChange={(event) => {
                // Same key: the editor stays mounted, so focus stays on this select.
                const next = { ...newLeaf(event.target.value as LeafType, catalog, selfId), key: node.key };
                edit((tree) => updateNode(tree, node.key, () => next));
              }}
            >
              {LEAF_TYPES.map((type) => (
                <option key={type} value={type} disabled={type === 'segment' && noSegments && node.type !== 'segment'}>
                  {LEAF_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {actions ? <NodeActions node={node} label={label} index={index} siblings={siblings} /> : null}
      </div>
      <LeafBody node={node} />
      <NodeErrors issues={issues.general(node.type)} />
    </fieldset>
  );
}

function LeafBody({ node }: { readonly node: LeafNode }) {
  switch (node.type) {
    case 'trait':
      return <TraitEditor node={node} />;
    case 'event':
      return <EventEditor node={node} />;
    case 'aggregate':
      return <AggregateEditor node={node} />;
    case 'sequence':
      return <SequenceEditor node={node} />;
    case 'segment':
      return <SegmentEditor node={node} />;
  }
}
