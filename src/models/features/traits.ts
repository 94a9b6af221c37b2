import { COMPUTED_TRAITS } from '../../analytics/traits/definitions.js';
import type { Engine } from '../../engines/engine.js';
import { sql, str } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import type { FeatureColumn } from '../classify/design.js';

/** Every profile's traits, in user-id order. */
export interface ProfileTraits {
  readonly userIds: readonly string[];
  readonly traits: readonly Readonly<Record<string, unknown>>[];
}

export async function readProfileTraits(engine: Engine, workspace: string): Promise<ProfileTraits> {
  const rows = await engine.query(
    sql`SELECT user_id, traits FROM profiles WHERE workspace = ${str(workspace)} ORDER BY user_id`,
  );
  return {
    userIds: rows.map((row) => String(row['user_id'])),
    traits: rows.map((row) => (row['traits'] ?? {}) as Record<string, unknown>),
  };
}

/** A trait value as a number: JSON numbers, and text that is a number ("29.85" from a CSV column read as text). */
function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return Number.NaN;
}

const asText = (value: unknown): string | null =>
  value === null || value === undefined || typeof value === 'object' ? null : String(value);

/** At most this many distinct values make a trait categorical; more (ids, e-mails, names) make it unusable. */
const MAX_CATEGORIES = 50;
/** A trait is numeric when this share of its present values read as numbers (a few blanks become missing). */
const NUMERIC_SHARE = 0.95;

export interface TraitChoice {
  readonly columns: FeatureColumn[];
  /** Traits left out and why: the API shows them so a user knows what the model did not see. */
  readonly skipped: readonly { readonly trait: string; readonly reason: string }[];
}

/**
 * Feature columns from profile traits: numeric when nearly every present value is a number (text numbers included),
 * categorical when there are few distinct values, skipped otherwise. With `names` only those traits are used (one
 * that is unusable is an error naming it); without, every top-level trait except `exclude`, the computed traits
 * (they are derived from the same behaviour, or are this model's own output) and times.
 */
export function traitFeatures(
  profiles: ProfileTraits,
  options: { readonly names?: readonly string[]; readonly exclude: readonly string[] },
): TraitChoice {
  const rows = profiles.traits;
  const names = options.names ?? [...new Set(rows.flatMap((traits) => Object.keys(traits)))].sort();
  const excluded = new Set([...options.exclude, ...COMPUTED_TRAITS, 'created_at', 'first_seen', 'last_seen']);
  const columns: FeatureColumn[] = [];
  const skipped: { trait: string; reason: string }[] = [];
  /** Adds the trait's column, or says why it cannot be one. */
  const unusable = (name: string): string | null => {
    if (name === options.exclude[0]) return 'it is the label';
    const values = rows.map((traits) => traits[name]);
    const present = values.filter((v) => v !== null && v !== undefined);
    if (present.length === 0) return 'no profile has it';
    const numbers = present.filter((v) => Number.isFinite(asNumber(v))).length;
    if (numbers >= NUMERIC_SHARE * present.length) {
      columns.push({ name, kind: 'numeric', values: Float64Array.from(values, asNumber) });
      return null;
    }
    const distinct = new Set(present.map(asText));
    if (distinct.size > MAX_CATEGORIES) return `${distinct.size} distinct values (at most ${MAX_CATEGORIES})`;
    columns.push({ name, kind: 'categorical', values: values.map(asText) });
    return null;
  };
  const explicit = options.names !== undefined;
  for (const [index, name] of names.entries()) {
    if (excluded.has(name) && !explicit) continue;
    const reason = unusable(name);
    if (reason === null) continue;
    if (explicit)
      throw new UserError('unusable_trait', `trait "${name}" cannot be a feature: ${reason}`, `traits[${index}]`);
    skipped.push({ trait: name, reason });
  }
  return { columns, skipped };
}
