import { createContext, useContext } from 'react';
import type { ApiIssue } from '../../api/client';
import { hasInputFor, type IssueMap, NO_ISSUES, type Node } from './tree';

/** The tree's issues, placed on nodes; each editor reads those of its own node. */
export const IssuesContext = createContext<IssueMap>(NO_ISSUES);

export interface NodeIssues {
  /** Issues at exactly this field of the node (`count.value`). */
  readonly at: (field: string) => readonly ApiIssue[];
  /** Issues at this field or inside it (`value` takes `value.1` too). */
  readonly under: (field: string) => readonly ApiIssue[];
  /** Issues no input of the node shows: said on the node as a whole. */
  readonly general: (type: Node['type']) => readonly ApiIssue[];
}

export function useNodeIssues(key: string): NodeIssues {
  const placed = useContext(IssuesContext).byNode.get(key) ?? [];
  return {
    at: (field) => placed.filter((p) => p.field === field).map((p) => p.issue),
    under: (field) => placed.filter((p) => p.field === field || p.field.startsWith(`${field}.`)).map((p) => p.issue),
    general: (type) => placed.filter((p) => !hasInputFor(type, p.field)).map((p) => p.issue),
  };
}
