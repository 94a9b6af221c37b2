import { Hono } from 'hono';
import { journeySummary } from '../../analytics/journey.js';
import { lifecycleSummary, lifecycleUsers } from '../../analytics/lifecycle/summary.js';
import { defaultAsOf, type OrderOptions } from '../../analytics/orders.js';
import { RFM_CSV_HEADER, rfmCsvLine, rfmJsonLine } from '../../analytics/rfm/export.js';
import { rfmReport, rfmRows, rfmSummary } from '../../analytics/rfm/report.js';
import { type AnalyticsSettings, readSettings } from '../../analytics/settings.js';
import { valueTierSummary } from '../../analytics/value-tiers.js';
import { UserError } from '../../errors.js';
import { parseIntParam, parseTimeParam } from '../../live/history/membership-at.js';
import type { AppEnv, ServerDeps } from '../context.js';

/** The largest JSON page; exports (`format=jsonl|csv`) stream every row instead. */
export const MAX_PAGE = 10_000;
const DEFAULT_PAGE = 100;

const badParameter = (name: string, message: string) => new UserError('invalid_parameter', message, name, 400);

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badParameter(name, `${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
}

function pageParam(value: string | undefined, name: string, max: number): number | undefined {
  const n = parseIntParam(value, name);
  if (n !== undefined && n > max) throw badParameter(name, `${name} must be at most ${max.toLocaleString('en-US')}`);
  return n;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw badParameter(name, `${name} must be 1 or 0, got ${JSON.stringify(value)}`);
}

/**
 * `/api/analytics`: RFM (a page, an export, a summary), lifecycle stages, journey funnel and value tiers of the
 * caller's workspace, with the order options, group mapping and thresholds of its analytics settings.
 */
export function analyticsRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  type Ctx = { get(key: 'caller'): { workspace: string }; req: { query(name: string): string | undefined } };
  const ws = (c: Ctx) => c.get('caller').workspace;
  const settings = (c: Ctx): Promise<AnalyticsSettings> => readSettings(deps.engine, ws(c));
  /** The order options: the settings', with `monetary` from the query when given. */
  const orders = (c: Ctx, base: AnalyticsSettings): OrderOptions => {
    const monetary = oneOf(c.req.query('monetary'), 'monetary', ['net', 'gross'] as const);
    return monetary ? { ...base.orders, monetary } : base.orders;
  };
  const asOfOf = (c: Ctx) => parseTimeParam(c.req.query('asOf'), 'asOf');
  const asOfOption = (asOf: Date | undefined) => (asOf ? { asOf } : {});

  app.get('/rfm', async (c) => {
    const format = oneOf(c.req.query('format'), 'format', ['json', 'jsonl', 'csv'] as const) ?? 'json';
    const asked = asOfOf(c);
    const base = await settings(c);
    const options = { orders: orders(c, base), ...(base.rfm.groups ? { groups: base.rfm.groups } : {}) };
    const offset = pageParam(c.req.query('offset'), 'offset', Number.MAX_SAFE_INTEGER) ?? 0;
    if (format === 'json') {
      const limit = pageParam(c.req.query('limit'), 'limit', MAX_PAGE) ?? DEFAULT_PAGE;
      const report = await rfmReport(deps.engine, ws(c), { ...options, ...asOfOption(asked), limit, offset });
      return c.json({ ...report, limit, offset });
    }
    const limit = pageParam(c.req.query('limit'), 'limit', Number.MAX_SAFE_INTEGER) ?? Number.POSITIVE_INFINITY;
    // Fixed before streaming, so every page scores at the same time and the header can say which.
    const asOf = asked ?? (await defaultAsOf(deps.engine, ws(c), options.orders));
    const line = format === 'csv' ? rfmCsvLine : rfmJsonLine;
    const rows = asOf ? rfmRows(deps.engine, ws(c), { ...options, asOf }) : null;
    const encoder = new TextEncoder();
    let skip = offset;
    let left = limit;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        if (format === 'csv') controller.enqueue(encoder.encode(RFM_CSV_HEADER));
      },
      async pull(controller) {
        const next = rows && left > 0 ? await rows.next() : { done: true as const, value: undefined };
        if (next.done) {
          controller.close();
          return;
        }
        const page = next.value.slice(Math.min(skip, next.value.length));
        skip = Math.max(0, skip - next.value.length);
        const taken = page.slice(0, Math.min(page.length, left));
        left -= taken.length;
        if (taken.length > 0) controller.enqueue(encoder.encode(taken.map(line).join('')));
      },
      async cancel() {
        await rows?.return();
      },
    });
    return c.body(body, 200, {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      ...(asOf ? { 'x-strata-as-of': asOf.toISOString() } : {}),
    });
  });

  app.get('/rfm/summary', async (c) => {
    const asOf = asOfOf(c);
    const base = await settings(c);
    return c.json(
      await rfmSummary(deps.engine, ws(c), {
        orders: orders(c, base),
        ...asOfOption(asOf),
        ...(base.rfm.groups ? { groups: base.rfm.groups } : {}),
      }),
    );
  });

  app.get('/lifecycle', async (c) => {
    const asOf = asOfOf(c);
    const users = flag(c.req.query('users'), 'users');
    const base = await settings(c);
    const options = { orders: orders(c, base), config: base.lifecycle, ...asOfOption(asOf) };
    if (!users) return c.json(await lifecycleSummary(deps.engine, ws(c), options));
    const limit = pageParam(c.req.query('limit'), 'limit', MAX_PAGE) ?? DEFAULT_PAGE;
    const offset = pageParam(c.req.query('offset'), 'offset', Number.MAX_SAFE_INTEGER) ?? 0;
    return c.json({ ...(await lifecycleUsers(deps.engine, ws(c), { ...options, limit, offset })), limit, offset });
  });

  app.get('/journey', async (c) => {
    const asOf = asOfOf(c);
    const base = await settings(c);
    return c.json(
      await journeySummary(deps.engine, ws(c), {
        ...asOfOption(asOf),
        config: base.journey,
      }),
    );
  });

  app.get('/value-tiers', async (c) => {
    const asOf = asOfOf(c);
    const base = await settings(c);
    return c.json(
      await valueTierSummary(deps.engine, ws(c), {
        orders: orders(c, base),
        ...asOfOption(asOf),
        config: base.valueTiers,
      }),
    );
  });

  return app;
}
