import { createContext, useContext } from 'react';
import { type Node, updateNode } from './tree';

/** How editors change the tree: one function that maps the whole tree to the next one (see use-rule-sync.ts). */
export const EditContext = createContext<((change: (tree: Node) => Node) => void) | null>(null);

export function useEdit(): (change: (tree: Node) => Node) => void {
  const edit = useContext(EditContext);
  if (!edit) throw new Error('internal error: the builder editors need an EditContext');
  return edit;
}

/** Changes some fields of one node. */
export function useUpdate<T extends Node>(node: T): (patch: Partial<Omit<T, 'key' | 'type'>>) => void {
  const edit = useEdit();
  return (patch) => edit((tree) => updateNode(tree, node.key, (current) => ({ ...current, ...patch }) as Node));
}
