import type { ApiIssue } from '../../api/client';
import type { AggregateFn, CmpOp, Op, Rule, Value, Window } from './rule-types';

/**
 * The rule being edited: the definition tree with a stable `key` on every node, filter and step (React keys, focus
 * and issue placement survive reordering). Values may be unfinished (a count typed as "", a missing event): the tree
 * keeps the positions of the JSON it becomes, so every issue path the server reports leads back to one node.
 */

export interface FilterDraft {
  readonly key: string;
  readonly property: string;
  readonly op: Op;
  readonly value?: Value;
}

export interface StepDraft {
  readonly key: string;
  readonly event: string;
  readonly where?: readonly FilterDraft[];
}

/** A number as typed: kept as text until it reads as a number, so the server can say what is wrong with it. */
export type NumberDraft = number | string;

export type GroupNode = { readonly key: string; readonly type: 'and' | 'or'; readonly rules: readonly Node[] };
export type NotNode = { readonly key: string; readonly type: 'not'; readonly rule: Node };
export type TraitNode = {
  readonly key: string;
  readonly type: 'trait';
  readonly trait: string;
  readonly op: Op;
  readonly value?: Value;
};
export type EventNode = {
  readonly key: string;
  readonly type: 'event';
  readonly event: string;
  readonly where?: readonly FilterDraft[];
  readonly count?: { readonly op: CmpOp; readonly value: NumberDraft };
  readonly window?: Window;
};
export type AggregateNode = {
  readonly key: string;
  readonly type: 'aggregate';
  readonly fn: AggregateFn;
  readonly event: string;
  readonly property: string;
  readonly where?: readonly FilterDraft[];
  readonly window?: Window;
  readonly op: CmpOp;
  readonly value: NumberDraft;
};
export type SequenceNode = {
  readonly key: string;
  readonly type: 'sequence';
  readonly steps: readonly StepDraft[];
  readonly within?: string;
  readonly window?: Window;
};
export type SegmentNode = { readonly key: string; readonly type: 'segment'; readonly segment: string };

export type LeafNode = TraitNode | EventNode | AggregateNode | SequenceNode | SegmentNode;
export type Node = GroupNode | NotNode | LeafNode;
export type LeafType = LeafNode['type'];

let counter = 0;
/** A key unique in this page's lifetime. */
export const newKey = (): string => `n${++counter}`;

export const emptyGroup = (type: 'and' | 'or' = 'and'): GroupNode => ({ key: newKey(), type, rules: [] });

export const isGroup = (node: Node): node is GroupNode => node.type === 'and' || node.type === 'or';

// ---- JSON ↔ tree ----

const filtersFromRule = (where: readonly { property: string; op: Op; value?: Value }[] | undefined) =>
  where?.map((filter) => ({ ...filter, key: newKey() }));

/** The tree for a rule the server answered (a valid, canonical one). */
export function fromRule(rule: Rule): Node {
  switch (rule.type) {
    case 'and':
    case 'or':
      return { key: newKey(), type: rule.type, rules: rule.rules.map(fromRule) };
    case 'not':
      return { key: newKey(), type: 'not', rule: fromRule(rule.rule) };
    case 'event':
    case 'aggregate': {
      const { where, ...rest } = rule;
      const filters = filtersFromRule(where);
      return { ...rest, key: newKey(), ...(filters ? { where: filters } : {}) };
    }
    case 'sequence':
      return {
        ...rule,
        key: newKey(),
        steps: rule.steps.map((step) => {
          const where = filtersFromRule(step.where);
          return { event: step.event, key: newKey(), ...(where ? { where } : {}) };
        }),
      };
    default:
      return { ...rule, key: newKey() };
  }
}

/** A typed number as a number when it reads as one; otherwise as typed, for the server to reject by field. */
export function numberOf(draft: NumberDraft): number | string {
  if (typeof draft === 'number') return draft;
  const trimmed = draft.trim();
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : draft;
}

const withoutKey = <T extends { key: string }>({ key: _key, ...rest }: T) => rest;
const filtersToJson = (where: readonly FilterDraft[] | undefined) =>
  where && where.length > 0 ? { where: where.map(withoutKey) } : {};

/**
 * The JSON the tree stands for, position for position (so issue paths map back). Unfinished values go as they are;
 * empty `where` lists are left out, as the canonical form does.
 */
export function toRule(node: Node): unknown {
  switch (node.type) {
    case 'and':
    case 'or':
      return { type: node.type, rules: node.rules.map(toRule) };
    case 'not':
      return { type: 'not', rule: toRule(node.rule) };
    case 'trait': {
      const { key: _key, ...rest } = node;
      return rest;
    }
    case 'event': {
      const { key: _key, where, count, ...rest } = node;
      return {
        ...rest,
        ...filtersToJson(where),
        ...(count ? { count: { op: count.op, value: numberOf(count.value) } } : {}),
      };
    }
    case 'aggregate': {
      const { key: _key, where, value, ...rest } = node;
      return { ...rest, ...filtersToJson(where), value: numberOf(value) };
    }
    case 'sequence': {
      const { key: _key, steps, ...rest } = node;
      return { ...rest, steps: steps.map((step) => ({ event: step.event, ...filtersToJson(step.where) })) };
    }
    case 'segment':
      return { type: 'segment', segment: node.segment };
  }
}

// ---- edits (pure: each returns a new tree) ----

/** The tree with the node `key` replaced by `change(node)`. */
export function updateNode(tree: Node, key: string, change: (node: Node) => Node): Node {
  if (tree.key === key) return change(tree);
  if (isGroup(tree)) {
    const rules = tree.rules.map((child) => updateNode(child, key, change));
    return rules.some((child, i) => child !== tree.rules[i]) ? { ...tree, rules } : tree;
  }
  if (tree.type === 'not') {
    const rule = updateNode(tree.rule, key, change);
    return rule === tree.rule ? tree : { ...tree, rule };
  }
  return tree;
}

/** The node `key` and its parent, or null for the root or a key not in the tree. */
export function parentOf(tree: Node, key: string): Node | null {
  if (isGroup(tree)) {
    for (const child of tree.rules) {
      if (child.key === key) return tree;
      const found = parentOf(child, key);
      if (found) return found;
    }
  } else if (tree.type === 'not') {
    if (tree.rule.key === key) return tree;
    return parentOf(tree.rule, key);
  }
  return null;
}

/** Removes a node; a NOT around it goes too, and removing the root leaves an empty group. */
export function removeNode(tree: Node, key: string): Node {
  if (tree.key === key) return emptyGroup();
  const parent = parentOf(tree, key);
  if (!parent) return tree;
  if (parent.type === 'not') return removeNode(tree, parent.key);
  if (!isGroup(parent)) return tree;
  return updateNode(tree, parent.key, () => ({ ...parent, rules: parent.rules.filter((child) => child.key !== key) }));
}

/** Moves a node up (-1) or down (+1) among its group's rules. */
export function moveNode(tree: Node, key: string, delta: -1 | 1): Node {
  const parent = parentOf(tree, key);
  if (!parent || !isGroup(parent)) return tree;
  const index = parent.rules.findIndex((child) => child.key === key);
  const target = index + delta;
  if (index < 0 || target < 0 || target >= parent.rules.length) return tree;
  const rules = [...parent.rules];
  [rules[index], rules[target]] = [rules[target] as Node, rules[index] as Node];
  return updateNode(tree, parent.key, () => ({ ...parent, rules }));
}

/** Puts a node inside a new group of its own; the group takes the other combinator than its parent's. */
export function wrapInGroup(tree: Node, key: string): Node {
  const parent = parentOf(tree, key);
  const type = parent?.type === 'and' ? 'or' : 'and';
  return updateNode(tree, key, (node) => ({ key: newKey(), type, rules: [node] }));
}

/** Negates a node, or takes the NOT away from a negated one. */
export function toggleNot(tree: Node, key: string): Node {
  return updateNode(tree, key, (node) =>
    node.type === 'not' ? node.rule : { key: newKey(), type: 'not', rule: node },
  );
}

/** Adds a node to a group; added to a root that is not a group, both go into a new AND group. */
export function addTo(tree: Node, groupKey: string, node: Node): Node {
  if (tree.key === groupKey && !isGroup(tree)) return { key: newKey(), type: 'and', rules: [tree, node] };
  return updateNode(tree, groupKey, (group) => (isGroup(group) ? { ...group, rules: [...group.rules, node] } : group));
}

// ---- issues → fields ----

/** `rule.rules[1].count.value` (or `rule.rules.1.count.value`) → `['rules', 1, 'count', 'value']`. */
export function issueKeys(path: string): (string | number)[] {
  const keys = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((key) => key !== '')
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
  return keys[0] === 'rule' ? keys.slice(1) : keys;
}

export interface PlacedIssue {
  /** The field inside the node, dot-separated (`count.value`, `where.0.value`); '' for the node itself. */
  readonly field: string;
  readonly issue: ApiIssue;
}

/** Issues by the key of the node they belong to; those that lead nowhere (not a `rule.` path) are `unplaced`. */
export interface IssueMap {
  readonly byNode: ReadonlyMap<string, readonly PlacedIssue[]>;
  readonly unplaced: readonly ApiIssue[];
}

export const NO_ISSUES: IssueMap = { byNode: new Map(), unplaced: [] };

/** Follows each issue's path down the tree it was reported for, to the deepest node, and keeps the rest as field. */
export function placeIssues(tree: Node, issues: readonly ApiIssue[]): IssueMap {
  const byNode = new Map<string, PlacedIssue[]>();
  const unplaced: ApiIssue[] = [];
  for (const issue of issues) {
    if (!issue.path?.startsWith('rule')) {
      unplaced.push(issue);
      continue;
    }
    let node = tree;
    const keys = issueKeys(issue.path);
    let i = 0;
    for (;;) {
      const [key, index] = [keys[i], keys[i + 1]];
      if (isGroup(node) && key === 'rules' && typeof index === 'number' && node.rules[index]) {
        node = node.rules[index] as Node;
        i += 2;
      } else if (node.type === 'not' && key === 'rule') {
        node = node.rule;
        i += 1;
      } else break;
    }
    const placed = byNode.get(node.key) ?? [];
    placed.push({ field: keys.slice(i).join('.'), issue });
    byNode.set(node.key, placed);
  }
  return { byNode, unplaced };
}

const FILTER = String.raw`where\.\d+(\.(property|op|value(\.\d+)?))?`;
const WINDOW = String.raw`window(\.(last|since|until))?`;

/** The fields each kind of node has an input for; issues elsewhere are shown on the node as a whole. */
const FIELDS: Record<Node['type'], RegExp> = {
  and: /^rules$/,
  or: /^rules$/,
  not: /^$/,
  trait: /^(trait|op|value(\.\d+)?)$/,
  event: new RegExp(String.raw`^(event|count(\.(op|value))?|${WINDOW}|${FILTER})$`),
  aggregate: new RegExp(`^(fn|event|property|op|value|${WINDOW}|${FILTER})$`),
  sequence: new RegExp(String.raw`^(steps|within|${WINDOW}|steps\.\d+\.(event|${FILTER}))$`),
  segment: /^segment$/,
};

/** Whether a node's editor shows an issue at `field` on an input of its own. */
export const hasInputFor = (type: Node['type'], field: string): boolean => field !== '' && FIELDS[type].test(field);
