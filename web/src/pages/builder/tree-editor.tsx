import { newEvent } from './defaults';
import { useEdit } from './edit-context';
import { GroupEditor } from './group-editor';
import { NodeEditor } from './node-editor';
import { addTo, isGroup, type Node } from './tree';
import { useCatalogContext } from './use-catalog';

/** The whole condition tree. A root that is a single condition (typed as text) gains a group when one is added. */
export function TreeEditor({ tree }: { readonly tree: Node }) {
  const { catalog } = useCatalogContext();
  const edit = useEdit();
  if (isGroup(tree)) return <GroupEditor node={tree} label="Conditions" index={null} siblings={1} actions root />;
  return (
    <div className="builder-group root">
      <NodeEditor node={tree} label="Condition 1" index={null} siblings={1} actions root />
      <div className="builder-row">
        <button
          type="button"
          className="small"
          aria-label="Add a condition to Conditions"
          onClick={() => edit((current) => addTo(current, current.key, newEvent(catalog)))}
        >
          + Condition
        </button>
      </div>
    </div>
  );
}
