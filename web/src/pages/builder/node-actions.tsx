import { useEdit } from './edit-context';
import { isGroup, moveNode, type Node, removeNode, toggleNot, wrapInGroup } from './tree';

/** Reorder, group, negate and remove one condition; every button names the condition it acts on. */
export function NodeActions({
  node,
  label,
  index,
  siblings,
}: {
  readonly node: Node;
  readonly label: string;
  /** Position among the parent group's rules; null at the root. */
  readonly index: number | null;
  readonly siblings: number;
}) {
  const edit = useEdit();
  const negated = node.type === 'not';
  return (
    <span className="builder-buttons">
      {index !== null ? (
        <>
          <button
            type="button"
            className="small"
            aria-label={`Move ${label} up`}
            title="Move up"
            disabled={index === 0}
            onClick={() => edit((tree) => moveNode(tree, node.key, -1))}
          >
            ↑
          </button>
          <button
            type="button"
            className="small"
            aria-label={`Move ${label} down`}
            title="Move down"
            disabled={index >= siblings - 1}
            onClick={() => edit((tree) => moveNode(tree, node.key, 1))}
          >
            ↓
          </button>
        </>
      ) : null}
      <button
        type="button"
        className="small"
        aria-label={`Wrap ${label} in a group`}
        onClick={() => edit((tree) => wrapInGroup(tree, node.key))}
      >
        Group
      </button>
      <button
        type="button"
        className="small"
        aria-label={negated ? `Remove the NOT from ${label}` : `Negate ${label}`}
        aria-pressed={negated}
        onClick={() => edit((tree) => toggleNot(tree, node.key))}
      >
        NOT
      </button>
      {index !== null || !isGroup(node) ? (
        <button
          type="button"
          className="small danger"
          aria-label={`Remove ${label}`}
          onClick={() => edit((tree) => removeNode(tree, node.key))}
        >
          Remove
        </button>
      ) : null}
    </span>
  );
}
