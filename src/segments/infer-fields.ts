import type { Scalar } from './definition.js';
import { parseTime } from './ir/lower.js';
import { formatKeyPath } from './key-path.js';

/** What a field holds, as the segment builder offers operators for it. */
export type FieldType = 'string' | 'number' | 'boolean' | 'time' | 'list' | 'object';
export const FIELD_TYPES: readonly FieldType[] = ['string', 'number', 'boolean', 'time', 'list', 'object'];

export interface InferredField {
  /** A key path as rules write it: nested keys joined by dots, a literal dot escaped (`utm\.source`). */
  readonly path: string;
  /** Every type seen at the path, in `FIELD_TYPES` order. */
  readonly types: readonly FieldType[];
  /** The most common scalar values, most common first (ties by value). */
  readonly examples: readonly Scalar[];
}

export interface InferLimits {
  /** Paths kept; a document set whose keys are unbounded (ids used as keys) keeps the first ones seen. */
  readonly maxPaths: number;
  /** Nesting followed into objects: `a.b.c` is depth 3. */
  readonly maxDepth: number;
  /** Distinct values counted per path; later new values are not counted, so memory stays bounded. */
  readonly maxValuesPerPath: number;
  /** Longer strings are never examples (free text, tokens). */
  readonly maxExampleLength: number;
}

export const DEFAULT_INFER_LIMITS: InferLimits = {
  maxPaths: 300,
  maxDepth: 4,
  maxValuesPerPath: 200,
  maxExampleLength: 120,
};

interface PathStats {
  readonly types: Set<FieldType>;
  /** Scalar values keyed by type and text, so `1` and `"1"` stay apart. */
  readonly values: Map<string, { value: Scalar; count: number }>;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Infers the fields of JSON documents (event properties, profile or account traits) from a sample: nested objects
 * become dot paths, ISO-8601 strings are times (the same formats rules accept), arrays are lists (not descended:
 * their elements are addressed by index, which a sample cannot enumerate usefully). JSON null adds no type.
 */
export class FieldCollector {
  private readonly paths = new Map<string, PathStats>();

  constructor(private readonly limits: InferLimits = DEFAULT_INFER_LIMITS) {}

  add(document: unknown): void {
    if (isObject(document)) this.walk(document, []);
  }

  private walk(object: Record<string, unknown>, prefix: readonly string[]): void {
    for (const [key, value] of Object.entries(object)) {
      if (value === null || value === undefined) continue;
      const keys = [...prefix, key];
      const stats = this.stats(formatKeyPath(keys));
      if (!stats) continue;
      if (Array.isArray(value)) stats.types.add('list');
      else if (isObject(value)) {
        stats.types.add('object');
        if (keys.length < this.limits.maxDepth) this.walk(value, keys);
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        stats.types.add(typeof value === 'string' && parseTime(value) !== null ? 'time' : typeOf(value));
        this.count(stats, value);
      }
    }
  }

  private stats(path: string): PathStats | undefined {
    let stats = this.paths.get(path);
    if (!stats && this.paths.size < this.limits.maxPaths) {
      stats = { types: new Set(), values: new Map() };
      this.paths.set(path, stats);
    }
    return stats;
  }

  private count(stats: PathStats, value: Scalar): void {
    if (typeof value === 'string' && value.length > this.limits.maxExampleLength) return;
    const key = `${typeof value}:${String(value)}`;
    const seen = stats.values.get(key);
    if (seen) seen.count++;
    else if (stats.values.size < this.limits.maxValuesPerPath) stats.values.set(key, { value, count: 1 });
  }

  /** The fields seen, by path, each with up to `examples` values. */
  fields(examples = 5): InferredField[] {
    return [...this.paths]
      .sort(([a], [b]) => byText(a, b))
      .map(([path, stats]) => ({
        path,
        types: FIELD_TYPES.filter((type) => stats.types.has(type)),
        examples: topValues(stats, examples),
      }));
  }

  /** The most common values at one path (for computed traits, which list more of their known values). */
  valuesAt(path: string, limit: number): Scalar[] {
    const stats = this.paths.get(path);
    return stats ? topValues(stats, limit) : [];
  }

  typesAt(path: string): FieldType[] {
    const stats = this.paths.get(path);
    return stats ? FIELD_TYPES.filter((type) => stats.types.has(type)) : [];
  }
}

function topValues(stats: PathStats, limit: number): Scalar[] {
  return [...stats.values.values()]
    .sort((a, b) => b.count - a.count || byText(String(a.value), String(b.value)))
    .slice(0, limit)
    .map((entry) => entry.value);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: string | number | boolean): FieldType =>
  typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
