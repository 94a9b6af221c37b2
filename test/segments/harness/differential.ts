import type { Engine } from '../../../src/engines/engine.js';
import { render } from '../../../src/engines/sql.js';
import { type Rule, rule as ruleSchema } from '../../../src/segments/definition.js';
import { explain, type UserData } from '../../../src/segments/evaluate.js';
import { type Lowered, lower } from '../../../src/segments/ir/lower.js';
import type { SegmentIr } from '../../../src/segments/ir/nodes.js';
import { compileMembers } from '../../../src/segments/sql/compile.js';

/**
 * The differential check: one rule, lowered at one time, compiled with the engine's dialect and run on it, and
 * evaluated by the reference evaluator over the same stored data. A disagreement throws a report with everything
 * needed to decide who is wrong.
 */

export interface Check {
  /** A rule as a user would write it; parsed with the public schema first. */
  readonly rule: unknown;
  readonly asOf: Date;
  /** Saved dynamic segments, by name, for `{"type":"segment"}` leaves. */
  readonly segments?: Readonly<Record<string, unknown>>;
  /** Evaluate only these users (the compiler's real-time mode). */
  readonly users?: readonly string[];
}

/** Parses a rule with the public schema, failing loudly (the suite only feeds valid definitions). */
export function parseRule(input: unknown): Rule {
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid rule ${JSON.stringify(input)}: ${parsed.error.message}`);
  return parsed.data;
}

/** Lowers a check's rule, resolving `segments` as saved dynamic segments. */
export function lowerCheck(check: Check): Lowered {
  const saved = check.segments ?? {};
  return lower(parseRule(check.rule), {
    asOf: check.asOf,
    segment: (name) =>
      Object.hasOwn(saved, name) ? { id: `id:${name}`, kind: 'dynamic', rule: parseRule(saved[name]) } : undefined,
  });
}

function lowerOrThrow(check: Check): SegmentIr {
  const lowered = lowerCheck(check);
  if (!lowered.ok)
    throw new Error(`lowering failed for ${JSON.stringify(check.rule)}: ${JSON.stringify(lowered.issues)}`);
  return lowered.ir;
}

export interface Outcome {
  /** Members by SQL, sorted. */
  readonly members: readonly string[];
  readonly ir: SegmentIr;
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

/**
 * Runs the check both ways and returns the members when SQL and the oracle agree; throws a report otherwise.
 * `users` is the workspace's data as read back from the store.
 */
export async function differential(
  engine: Engine,
  users: readonly UserData[],
  check: Check,
  workspace: string,
): Promise<Outcome> {
  const ir = lowerOrThrow(check);
  const query = compileMembers(ir, engine.dialect, { workspace, ...(check.users ? { users: check.users } : {}) });
  const rows = await engine.query(query).catch((error: unknown) => {
    const rendered = render(query, engine.dialect);
    throw new Error(
      `${engine.dialect.name} failed on rule ${JSON.stringify(check.rule)}: ${String(error)}\nsql: ${rendered.text}`,
    );
  });
  const fromSql = rows.map((row) => {
    if (typeof row['user_id'] !== 'string') {
      throw new Error(
        `the members query returned no user_id text on ${engine.dialect.name} (row: ${JSON.stringify(row)}) ` +
          `for rule ${JSON.stringify(check.rule)}`,
      );
    }
    return row['user_id'];
  });
  const scope = check.users ? new Set(check.users) : null;
  const fromOracle = users.filter((u) => (!scope || scope.has(u.userId)) && explain(ir, u).result).map((u) => u.userId);
  const a = sorted(fromSql);
  const b = sorted(fromOracle);
  const duplicates = fromSql.length !== new Set(fromSql).size;
  if (!duplicates && JSON.stringify(a) === JSON.stringify(b)) return { members: a, ir };
  const onlySql = a.filter((id) => !b.includes(id));
  const onlyOracle = b.filter((id) => !a.includes(id));
  const sample = onlySql[0] ?? onlyOracle[0];
  const data = users.find((u) => u.userId === sample);
  const rendered = render(query, engine.dialect);
  const lines = [
    `SQL on ${engine.dialect.name} and the reference evaluator disagree`,
    `rule: ${JSON.stringify(check.rule)}`,
    `asOf: ${check.asOf.toISOString()}${check.users ? ` users: ${JSON.stringify(check.users)}` : ''}`,
    duplicates ? `SQL returned duplicate rows: ${JSON.stringify(fromSql)}` : '',
    `only SQL: ${JSON.stringify(onlySql)}  only oracle: ${JSON.stringify(onlyOracle)}`,
    `sql: ${rendered.text}`,
    `params: ${JSON.stringify(rendered.params.map((p) => p.value))}`,
    data ? `data of ${sample}: ${JSON.stringify({ ...data, staticSegments: undefined })}` : '',
    data ? `oracle explain for ${sample}: ${JSON.stringify(explain(ir, data), null, 1)}` : '',
  ];
  throw new Error(lines.filter((line) => line !== '').join('\n'));
}
