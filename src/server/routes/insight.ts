import { Hono } from 'hono';
import { compareSegments } from '../../analytics/compare.js';
import { workspaceWarnings } from '../../analytics/guards.js';
import { type InsightInput, segmentInsight } from '../../analytics/insight/index.js';
import { overlapMatrix } from '../../analytics/overlap.js';
import { UserError } from '../../errors.js';
import { parseIntParam, parseTimeParam, wholeNumber } from '../../live/history/membership-at.js';
import { parseSegmentList } from '../../live/history/migration.js';
import type { LiveMode } from '../../segments/summary.js';
import type { AppEnv, ServerDeps } from '../context.js';

type Query = (name: string) => string | undefined;

/** A whole-number query parameter in [min, max]; a 400 naming it otherwise. */
function intQuery(q: Query, name: string, min: number, max: number): number | undefined {
  const value = parseIntParam(q(name), name);
  return value === undefined ? undefined : wholeNumber(value, name, value, min, max);
}

/** The insight options a query string can set (asOf, from/to/withinDays, weeks, top, days, monetary). */
export function insightQuery(q: Query): InsightInput {
  const asOf = parseTimeParam(q('asOf'), 'asOf');
  const from = q('from') || undefined;
  const to = q('to') || undefined;
  if ((from === undefined) !== (to === undefined))
    throw new UserError(
      'missing_parameter',
      'give both from and to (event names) for conversion',
      from ? 'to' : 'from',
      400,
    );
  const withinDays = intQuery(q, 'withinDays', 1, 3650);
  if (withinDays !== undefined && from === undefined)
    throw new UserError('missing_parameter', 'withinDays needs from and to', 'from', 400);
  const weeks = intQuery(q, 'weeks', 0, 104);
  const top = intQuery(q, 'top', 1, 100);
  const days = intQuery(q, 'days', 1, 3650);
  const monetary = q('monetary') || undefined;
  if (monetary !== undefined && monetary !== 'net' && monetary !== 'gross')
    throw new UserError('invalid_parameter', 'monetary is net or gross', 'monetary', 400);
  return {
    ...(asOf ? { asOf } : {}),
    ...(from && to ? { conversion: { from, to, ...(withinDays === undefined ? {} : { withinDays }) } } : {}),
    ...(weeks === undefined ? {} : { retentionWeeks: weeks }),
    ...(top === undefined ? {} : { top }),
    ...(days === undefined ? {} : { eventDays: days }),
    ...(monetary ? { monetary } : {}),
  };
}

/** `segments=a,b&segments=c`: ids or names, a comma inside a name escaped with a backslash. */
function segmentList(values: readonly string[] | undefined): string[] {
  const segments = (values ?? []).flatMap(parseSegmentList);
  if (segments.length === 0)
    throw new UserError('missing_parameter', 'name the segments: segments=a,b (ids or names)', 'segments', 400);
  return segments;
}

/**
 * Segment insight, comparison, overlap and guards under `/api/segments`. Mounted before the segment routes, so
 * `/compare`, `/overlap` and `/warnings` are not read as segment ids.
 */
export function insightRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: { get(key: 'caller'): { workspace: string } }) => c.get('caller').workspace;
  const mode = (): LiveMode => (deps.live ? 'live' : 'server-not-live');

  app.get('/warnings', async (c) =>
    c.json(await workspaceWarnings(deps.engine, ws(c), { now: deps.now(), mode: mode() })),
  );

  app.get('/compare', async (c) => {
    const segments = segmentList(c.req.queries('segments'));
    const q: Query = (name) => c.req.query(name);
    const { top: _top, eventDays: _days, ...options } = insightQuery(q);
    return c.json(await compareSegments(deps.engine, ws(c), segments, options, deps.now));
  });

  app.get('/overlap', async (c) => {
    const segments = segmentList(c.req.queries('segments'));
    const asOf = parseTimeParam(c.req.query('asOf'), 'asOf') ?? deps.now();
    return c.json(await overlapMatrix(deps.engine, ws(c), segments, { asOf }));
  });

  app.get('/:id/insight', async (c) => {
    const options = insightQuery((name) => c.req.query(name));
    return c.json(
      await segmentInsight(deps.engine, ws(c), c.req.param('id'), options, { now: deps.now, mode: mode() }),
    );
  });

  return app;
}
