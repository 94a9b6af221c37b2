import type { Rule } from './definition.js';

/** Names of the segments a rule refers to directly. */
export function referencedSegments(rule: Rule): string[] {
  switch (rule.type) {
    case 'and':
    case 'or':
      return [...new Set(rule.rules.flatMap(referencedSegments))];
    case 'not':
      return referencedSegments(rule.rule);
    case 'segment':
      return [rule.segment];
    default:
      return [];
  }
}

/**
 * Orders segments so every segment comes after the segments it refers to (Kahn's algorithm, ties by name for a
 * stable order). Cycles are rejected when segments are saved, so none remain here; any leftover is appended.
 */
export function dependencyOrder<T extends { name: string; rule: Rule | null }>(items: readonly T[]): T[] {
  const byName = new Map(items.map((item) => [item.name, item]));
  const pending = new Map(
    items.map((item) => [
      item.name,
      new Set(item.rule ? referencedSegments(item.rule).filter((n) => byName.has(n)) : []),
    ]),
  );
  const ordered: T[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => name)
      .sort();
    if (ready.length === 0) break;
    for (const name of ready) {
      ordered.push(byName.get(name) as T);
      pending.delete(name);
      for (const deps of pending.values()) deps.delete(name);
    }
  }
  for (const name of [...pending.keys()].sort()) ordered.push(byName.get(name) as T);
  return ordered;
}
