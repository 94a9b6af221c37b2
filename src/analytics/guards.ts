import { z } from 'zod';
import type { Engine } from '../engines/engine.js';
import { join, type Sql, sql, str } from '../engines/sql.js';
import { fromZod, UserError } from '../errors.js';
import { listSegments, type SavedSegment, segmentWithAll } from '../segments/store.js';
import { type LiveMode, realtimeOf } from '../segments/summary.js';
import { ALPHA } from './insight/distinguishing.js';
import { membersOf } from './segment-members.js';

/**
 * Guards: warnings that stop a user from acting on a segment that cannot bear it — too small to matter or to tell
 * anything apart, a near copy of another segment, or a stale membership.
 *
 * - `empty`: no members.
 * - `too_small_to_act`: fewer than `minActionable` (100) members: a campaign or experiment on it says little.
 * - `too_small_for_significance`: fewer than `minSignificance` (30) members, or insight tested items and none reached
 *   q < 0.05 while the segment is small enough that only large differences could be detected: below
 *   `DETECTABLE_SIZE` (196) members, the smallest difference in a share a two-sided test at α = 0.05 finds with 80%
 *   power is above 10 percentage points (≈ 2.8·√(0.25/n) at a 50% base rate: n = (2.8·0.5/0.1)² = 196).
 * - `near_duplicate`: a Jaccard similarity ≥ `duplicateJaccard` (0.9) with another saved segment, or ≥ `containment`
 *   (95%) of the segment inside another. Other segments are read from their stored membership (`segment_members`,
 *   as of their last refresh), so segments never refreshed are not compared; `workspaceWarnings` compares every pair
 *   in one query over the `MAX_OVERLAP_SEGMENTS` most recently updated segments.
 * - `not_refreshed`: a dynamic segment never refreshed (its stored membership, which exports and webhooks use, is
 *   empty), or last refreshed more than `staleHours` (24) ago while nothing keeps it live (see `realtimeOf`).
 */

export type WarningCode =
  | 'empty'
  | 'too_small_to_act'
  | 'too_small_for_significance'
  | 'near_duplicate'
  | 'not_refreshed';

export interface Warning {
  readonly code: WarningCode;
  readonly severity: 'info' | 'warning';
  readonly message: string;
  /** The segment the warning is about. */
  readonly segmentId?: string;
  /** The other segment of a near duplicate. */
  readonly other?: string;
}

export const guardOptionsSchema = z.strictObject({
  minActionable: z.int().min(0).max(1_000_000_000).default(100),
  minSignificance: z.int().min(0).max(1_000_000_000).default(30),
  duplicateJaccard: z.number().min(0).max(1).default(0.9),
  containment: z.number().min(0).max(1).default(0.95),
  staleHours: z.number().min(0).max(100_000).default(24),
});
export type GuardInput = z.input<typeof guardOptionsSchema>;
export type GuardOptions = z.output<typeof guardOptionsSchema>;

export const DETECTABLE_SIZE = 196;
export const MAX_OVERLAP_SEGMENTS = 100;

export function parseGuardOptions(input: GuardInput = {}): GuardOptions {
  const parsed = guardOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = fromZod(parsed.error, 'guards');
  throw new UserError(
    issues[0]?.code ?? 'invalid_option',
    issues[0]?.message ?? 'invalid',
    issues[0]?.path,
    400,
    issues,
  );
}

/** What insight found, for the significance guard. */
export interface SignificanceSummary {
  readonly tested: number;
  readonly significant: number;
}

const pct = (share: number) => `${(share * 100).toFixed(share >= 0.995 && share < 1 ? 1 : 0)}%`;

/** The warnings that follow from a segment's size alone (and what insight found, when it ran). */
export function sizeWarnings(
  size: number,
  guards: GuardOptions,
  significance?: SignificanceSummary,
  segment?: { readonly id: string; readonly name: string },
): Warning[] {
  const about = segment === undefined ? {} : { segmentId: segment.id };
  const subject = segment === undefined ? 'the segment' : `"${segment.name}"`;
  if (size === 0) return [{ code: 'empty', severity: 'warning', message: `${subject} has no members`, ...about }];
  const out: Warning[] = [];
  const has = `${subject} has ${size} members`;
  if (size < guards.minActionable)
    out.push({
      code: 'too_small_to_act',
      severity: 'warning',
      message: `${has}, fewer than ${guards.minActionable}: too few to act on or to measure a campaign`,
      ...about,
    });
  if (size < guards.minSignificance)
    out.push({
      code: 'too_small_for_significance',
      severity: 'info',
      message: `${has}, fewer than ${guards.minSignificance}: differences from other users cannot be told from chance`,
      ...about,
    });
  else if (significance && significance.tested > 0 && significance.significant === 0 && size < DETECTABLE_SIZE)
    out.push({
      code: 'too_small_for_significance',
      severity: 'info',
      message: `nothing reached q < ${ALPHA} among ${significance.tested} tested traits and events; with ${size} members only differences above ~${Math.round(140 / Math.sqrt(size))} percentage points could be detected`,
      ...about,
    });
  return out;
}

/** The last refresh (wall-clock time) of each segment. */
async function lastRefreshes(engine: Engine, workspace: string): Promise<Map<string, Date>> {
  const rows = await engine.query(
    sql`SELECT segment_id, max(recorded_at) AS last FROM segment_refreshes
        WHERE workspace = ${str(workspace)} GROUP BY segment_id`,
  );
  return new Map(rows.map((row) => [String(row['segment_id']), row['last'] as Date]));
}

/** Stored membership sizes of refreshed segments. */
async function storedSizes(engine: Engine, workspace: string): Promise<Map<string, number>> {
  const rows = await engine.query(
    sql`SELECT segment_id, count(*) AS size FROM segment_members WHERE workspace = ${str(workspace)} GROUP BY segment_id`,
  );
  return new Map(rows.map((row) => [String(row['segment_id']), Number(row['size'])]));
}

function refreshWarning(
  segment: SavedSegment,
  saved: readonly SavedSegment[],
  last: Date | undefined,
  mode: LiveMode,
  now: Date,
  guards: GuardOptions,
): Warning | null {
  if (segment.kind !== 'dynamic') return null;
  if (!last)
    return {
      code: 'not_refreshed',
      severity: 'warning',
      message: `"${segment.name}" was never refreshed: its stored membership (exports, webhooks) is empty; run strata segment refresh`,
      segmentId: segment.id,
    };
  const live = realtimeOf(segment, saved, mode);
  const hours = (now.getTime() - last.getTime()) / 3_600_000;
  if (live.realtime || hours <= guards.staleHours) return null;
  return {
    code: 'not_refreshed',
    severity: 'warning',
    message: `"${segment.name}" was last refreshed ${Math.floor(hours)} hours ago and is not kept live (${live.realtimeReason ?? 'not live'})`,
    segmentId: segment.id,
  };
}

function duplicateWarnings(
  a: { id: string; name: string; size: number },
  b: { id: string; name: string; size: number },
  both: number,
  guards: GuardOptions,
  onlyAbout?: string,
): Warning[] {
  if (a.size === 0 || b.size === 0 || both === 0) return [];
  const jaccard = both / (a.size + b.size - both);
  if (jaccard >= guards.duplicateJaccard) {
    const [self, other] = onlyAbout === b.id ? [b, a] : [a, b];
    return [
      {
        code: 'near_duplicate',
        severity: 'warning',
        message: `"${self.name}" and "${other.name}" share ${pct(jaccard)} of their combined members (Jaccard ${jaccard.toFixed(3)}): keep one`,
        segmentId: self.id,
        other: other.id,
      },
    ];
  }
  const out: Warning[] = [];
  for (const [inner, outer] of [
    [a, b],
    [b, a],
  ] as const) {
    if (onlyAbout !== undefined && inner.id !== onlyAbout) continue;
    const share = both / inner.size;
    if (share >= guards.containment)
      out.push({
        code: 'near_duplicate',
        severity: 'info',
        message: `${pct(share)} of "${inner.name}" is also in "${outer.name}": it is nearly a subset of it`,
        segmentId: inner.id,
        other: outer.id,
      });
  }
  return out;
}

export interface SegmentWarningOptions {
  readonly asOf?: Date;
  readonly now?: Date;
  /** Where the membership is kept live; decides whether an old refresh is stale. Default: no server. */
  readonly mode?: LiveMode;
  readonly guards?: GuardInput;
  /** Already known (from insight), to save the count. */
  readonly size?: number;
  readonly significance?: SignificanceSummary;
}

/**
 * The warnings for one saved segment: size (compiled at `asOf`, default now), near duplicates of its members at
 * `asOf` against the other segments' stored membership (one query), and refresh staleness.
 */
export async function segmentWarnings(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: SegmentWarningOptions = {},
): Promise<Warning[]> {
  const guards = parseGuardOptions(options.guards);
  const now = options.now ?? new Date();
  const asOf = options.asOf ?? now;
  const { segment, saved } = await segmentWithAll(engine, workspace, idOrName);
  const members = membersOf(engine, workspace, segment, saved, asOf);
  const w = str(workspace);
  const size =
    options.size ?? Number((await engine.query(sql`SELECT count(*) AS n FROM (${members}) AS m`))[0]?.['n'] ?? 0);
  const out = sizeWarnings(size, guards, options.significance, segment);
  const [overlaps, sizes, refreshes] = [
    await engine.query(
      sql`SELECT s.segment_id AS other, count(*) AS shared
          FROM (SELECT DISTINCT user_id FROM (${members}) AS m) AS t
          JOIN (SELECT segment_id, user_id FROM segment_members WHERE workspace = ${w}
                AND segment_id <> ${str(segment.id)}) AS s ON s.user_id = t.user_id
          GROUP BY s.segment_id`,
    ),
    await storedSizes(engine, workspace),
    await lastRefreshes(engine, workspace),
  ];
  for (const row of overlaps) {
    const other = saved.find((s) => s.id === String(row['other']));
    if (!other) continue;
    out.push(
      ...duplicateWarnings(
        { id: segment.id, name: segment.name, size },
        { id: other.id, name: other.name, size: sizes.get(other.id) ?? 0 },
        Number(row['shared']),
        guards,
        segment.id,
      ),
    );
  }
  const stale = refreshWarning(segment, saved, refreshes.get(segment.id), options.mode ?? 'no-server', now, guards);
  if (stale) out.push(stale);
  return sortWarnings(out);
}

export interface WorkspaceWarnings {
  /** Saved segments. */
  readonly segments: number;
  /** Segments compared pairwise for near duplicates (the most recently updated, at most MAX_OVERLAP_SEGMENTS). */
  readonly comparedForOverlap: number;
  readonly warnings: readonly Warning[];
}

/**
 * Warnings over every saved segment, from stored state: sizes from `segment_members` (segments never refreshed
 * have none and get `not_refreshed` instead), all pairs' overlaps in one self-join, refresh times from
 * `segment_refreshes`.
 */
export async function workspaceWarnings(
  engine: Engine,
  workspace: string,
  options: { now?: Date; mode?: LiveMode; guards?: GuardInput } = {},
): Promise<WorkspaceWarnings> {
  const guards = parseGuardOptions(options.guards);
  const now = options.now ?? new Date();
  const saved = await listSegments(engine, workspace);
  const sizes = await storedSizes(engine, workspace);
  const refreshes = await lastRefreshes(engine, workspace);
  const out: Warning[] = [];
  for (const segment of saved) {
    const refreshed = refreshes.has(segment.id);
    if (refreshed) out.push(...sizeWarnings(sizes.get(segment.id) ?? 0, guards, undefined, segment));
    const stale = refreshWarning(segment, saved, refreshes.get(segment.id), options.mode ?? 'no-server', now, guards);
    if (stale) out.push(stale);
  }
  const compared = [...saved]
    .filter((s) => (sizes.get(s.id) ?? 0) > 0)
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_OVERLAP_SEGMENTS);
  if (compared.length >= 2) {
    const stored = storedMembers(
      workspace,
      compared.map((s) => s.id),
    );
    const rows = await engine.query(
      sql`SELECT a.segment_id AS a, b.segment_id AS b, count(*) AS shared
          FROM (${stored}) AS a JOIN (${stored}) AS b ON b.user_id = a.user_id
          WHERE a.segment_id < b.segment_id
          GROUP BY a.segment_id, b.segment_id`,
    );
    const byId = new Map(compared.map((s) => [s.id, { id: s.id, name: s.name, size: sizes.get(s.id) ?? 0 }]));
    for (const row of rows) {
      const a = byId.get(String(row['a']));
      const b = byId.get(String(row['b']));
      if (a && b) out.push(...duplicateWarnings(a, b, Number(row['shared']), guards));
    }
  }
  const names = new Map(saved.map((s) => [s.id, s.name]));
  return {
    segments: saved.length,
    comparedForOverlap: compared.length >= 2 ? compared.length : 0,
    warnings: sortWarnings(out, names),
  };
}

function storedMembers(workspace: string, ids: readonly string[]): Sql {
  return sql`SELECT segment_id, user_id FROM segment_members
    WHERE workspace = ${str(workspace)} AND segment_id IN (${join(ids.map((id) => sql`${str(id)}`))})`;
}

const severityRank = { warning: 0, info: 1 } as const;

/** Warnings before infos, then by segment (name when known), code and the other segment. */
function sortWarnings(warnings: Warning[], names: ReadonlyMap<string, string> = new Map()): Warning[] {
  const label = (w: Warning) => names.get(w.segmentId ?? '') ?? w.segmentId ?? '';
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return warnings.sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      cmp(label(a), label(b)) ||
      cmp(a.code, b.code) ||
      cmp(a.other ?? '', b.other ?? ''),
  );
}
