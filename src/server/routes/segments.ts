import { Hono } from 'hono';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { type ChangeOrder, listChanges } from '../../live/history/changes.js';
import { membersAt, parseIntParam, parseTimeParam } from '../../live/history/membership-at.js';
import { parseSegmentList, segmentMigration } from '../../live/history/migration.js';
import { DAY_MS, segmentSizes, segmentSizesMany } from '../../live/history/sizes.js';
import { segmentTenure } from '../../live/history/tenure.js';
import { segmentDefinition } from '../../segments/definition.js';
import { definitionFromInput, ruleFromInput } from '../../segments/input.js';
import { explainMember, listMembers, previewCount, segmentSql } from '../../segments/query.js';
import { refreshAll, refreshSegment } from '../../segments/refresh.js';
import {
  createSegment,
  createStaticSegment,
  deleteSegment,
  getSegment,
  replaceStaticMembers,
  type SavedSegment,
  segmentHistory,
  updateSegment,
} from '../../segments/store.js';
import { segmentSummaries } from '../../segments/summary.js';
import { printRule } from '../../segments/text/index.js';
import { translateRule } from '../../segments/translate.js';
import { ADMIN_LIMIT, BATCH_LIMIT, readJson, validate } from '../body.js';
import type { AppEnv, ServerDeps } from '../context.js';
import { httpError } from '../errors.js';

const asOfField = z.iso.datetime({ offset: true }).optional().describe('evaluation time (default: now)');
export const definitionBody = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  rule: z.unknown().optional().describe('the rule as JSON (see SegmentDefinition)'),
  text: z.string().optional().describe('the rule in the text form (give rule or text)'),
});
export const staticBody = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  static: z.literal(true),
  userIds: z.array(z.string()).max(1_000_000),
});
export const previewBody = z.strictObject({
  rule: z.unknown().optional(),
  text: z.string().optional(),
  asOf: asOfField,
});
export const translateBody = z.strictObject({
  rule: z.unknown().optional().describe('the rule as JSON (see SegmentDefinition)'),
  text: z.string().optional().describe('the rule in the text form'),
});
export const refreshBody = z.strictObject({ asOf: asOfField });
export const staticMembersBody = z.strictObject({ userIds: z.array(z.string()).max(1_000_000) });
export { segmentDefinition };

const withText = (segment: SavedSegment) => ({ ...segment, text: segment.rule ? printRule(segment.rule) : null });
const asOf = (value: string | undefined) => (value ? { asOf: new Date(value) } : {});
const queryAsOf = (value: string | undefined) => {
  if (value === undefined || value === '') return {};
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw httpError(400, 'invalid_request', 'asOf must be an ISO-8601 time');
  return { asOf: date };
};
const intParam = (value: string | undefined, fallback: number, max: number) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw httpError(400, 'invalid_request', `expected a whole number 0–${max}, got ${value}`);
  return n;
};

/** The default range of `GET /:id/sizes`: the last 90 days, today included. */
export const DEFAULT_SIZE_DAYS = 90;

/** `from` and `to` of a sizes request: `to` defaults to now, `from` to `DEFAULT_SIZE_DAYS` days before `to`. */
function sizeRange(fromText: string | undefined, toText: string | undefined, now: Date): { from: Date; to: Date } {
  const to = parseTimeParam(toText, 'to') ?? now;
  const from = parseTimeParam(fromText, 'from') ?? new Date(to.getTime() - (DEFAULT_SIZE_DAYS - 1) * DAY_MS);
  return { from, to };
}

const required = <T>(value: T | undefined, name: string, example: string): T => {
  if (value === undefined) throw new UserError('missing_parameter', `give ${name}=${example}`, name, 400);
  return value;
};

/** `/api/segments`: define, preview, refresh, list members, explain; everything the CLI's `segment` does. */
export function segmentRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: { get(key: 'caller'): { workspace: string } }) => c.get('caller').workspace;

  app.get('/', async (c) =>
    c.json((await segmentSummaries(deps.engine, ws(c), deps.live ? 'live' : 'server-not-live')).map(withText)),
  );

  app.post('/', async (c) => {
    const body = await readJson(c, BATCH_LIMIT);
    if (typeof body === 'object' && body !== null && 'static' in body) {
      const input = validate(staticBody, body);
      const created = await createStaticSegment(deps.engine, ws(c), {
        name: input.name,
        userIds: input.userIds,
        ...(input.description ? { description: input.description } : {}),
      });
      void deps.live?.segmentChanged(ws(c), created.id);
      return c.json(withText(created), 201);
    }
    const input = validate(definitionBody, body);
    const created = await createSegment(deps.engine, ws(c), definitionFromInput(input));
    // A live server makes a new or changed segment live at once: refreshed now, evaluated as data arrives.
    void deps.live?.segmentChanged(ws(c), created.id);
    return c.json(withText(created), 201);
  });

  app.post('/preview', async (c) => {
    const input = validate(previewBody, await readJson(c, ADMIN_LIMIT));
    return c.json(await previewCount(deps.engine, ws(c), ruleFromInput(input), asOf(input.asOf)));
  });

  // Always 200 for a well-formed body: the builder translates on every edit, and an invalid rule is an answer.
  app.post('/translate', async (c) => {
    const input = validate(translateBody, await readJson(c, ADMIN_LIMIT));
    if ((input.rule === undefined) === (input.text === undefined)) {
      throw httpError(400, 'invalid_request', 'give either rule (JSON) or text, not both or neither');
    }
    const form = input.text === undefined ? { rule: input.rule } : { text: input.text };
    return c.json(await translateRule(deps.engine, ws(c), form));
  });

  app.post('/refresh', async (c) => {
    const input = validate(refreshBody, await readJson(c, ADMIN_LIMIT));
    const results = await refreshAll(deps.engine, ws(c), asOf(input.asOf));
    deps.feed.publish(ws(c));
    return c.json(results);
  });

  // Before `/:id`, which would otherwise take "migration" for a segment name.
  app.get('/migration', async (c) => {
    const segments = (c.req.queries('segments') ?? []).flatMap(parseSegmentList);
    if (segments.length === 0)
      throw new UserError('missing_parameter', 'name the segments: segments=a,b,c (ids or names)', 'segments', 400);
    const from = required(parseTimeParam(c.req.query('from'), 'from'), 'from', '<ISO time>');
    const to = parseTimeParam(c.req.query('to'), 'to') ?? deps.now();
    return c.json(await segmentMigration(deps.engine, ws(c), { segments, from, to }));
  });

  // Before `/:id`, like `/migration`.
  app.get('/sizes', async (c) => {
    const { from, to } = sizeRange(c.req.query('from'), c.req.query('to'), deps.now());
    const named = c.req.queries('segments');
    const segments = named ? named.flatMap(parseSegmentList) : undefined;
    if (segments?.length === 0)
      throw new UserError(
        'missing_parameter',
        'name segments=a,b (ids or names), or leave it out for all',
        'segments',
        400,
      );
    return c.json(await segmentSizesMany(deps.engine, ws(c), { from, to, ...(segments ? { segments } : {}) }));
  });

  app.get('/:id', async (c) => c.json(withText(await getSegment(deps.engine, ws(c), c.req.param('id')))));

  app.put('/:id', async (c) => {
    const input = validate(definitionBody, await readJson(c, ADMIN_LIMIT));
    const updated = await updateSegment(deps.engine, ws(c), c.req.param('id'), definitionFromInput(input));
    void deps.live?.segmentChanged(ws(c), updated.id);
    return c.json(withText(updated));
  });

  app.delete('/:id', async (c) => c.json(withText(await deleteSegment(deps.engine, ws(c), c.req.param('id')))));

  app.get('/:id/history', async (c) => c.json(await segmentHistory(deps.engine, ws(c), c.req.param('id'))));

  app.get('/:id/sql', async (c) =>
    c.json(
      await segmentSql(deps.engine, ws(c), c.req.param('id'), {
        ...queryAsOf(c.req.query('asOf')),
        ...(c.req.query('engine') ? { engine: c.req.query('engine') as string } : {}),
      }),
    ),
  );

  app.post('/:id/refresh', async (c) => {
    const input = validate(refreshBody, await readJson(c, ADMIN_LIMIT));
    const result = await refreshSegment(deps.engine, ws(c), c.req.param('id'), asOf(input.asOf));
    deps.feed.publish(ws(c));
    return c.json(result);
  });

  app.get('/:id/members', async (c) => {
    const format = c.req.query('format') ?? 'json';
    if (!['json', 'jsonl', 'csv'].includes(format))
      throw httpError(400, 'invalid_request', 'format is json, jsonl or csv');
    const at = parseTimeParam(c.req.query('at'), 'at');
    const options = {
      limit: intParam(c.req.query('limit'), format === 'json' ? 100 : 1_000_000_000, 1_000_000_000),
      offset: intParam(c.req.query('offset'), 0, 1_000_000_000),
      ...(c.req.query('search') ? { search: c.req.query('search') as string } : {}),
    };
    const page = at
      ? await membersAt(deps.engine, ws(c), c.req.param('id'), at, options)
      : await listMembers(deps.engine, ws(c), c.req.param('id'), options);
    if (format === 'jsonl') {
      c.header('content-type', 'application/x-ndjson; charset=utf-8');
      return c.body(page.userIds.map((id) => `${JSON.stringify({ user_id: id })}\n`).join(''));
    }
    if (format === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      const quote = (id: string) => (/[",\r\n]/.test(id) ? `"${id.replaceAll('"', '""')}"` : id);
      return c.body(`user_id\n${page.userIds.map((id) => `${quote(id)}\n`).join('')}`);
    }
    return c.json(page);
  });

  app.get('/:id/changes', async (c) => {
    const q = (name: string) => c.req.query(name);
    const after = parseIntParam(q('after'), 'after');
    const before = parseIntParam(q('before'), 'before');
    const limit = parseIntParam(q('limit'), 'limit');
    const since = parseTimeParam(q('since'), 'since');
    const until = parseTimeParam(q('until'), 'until');
    const user = q('user');
    const order = q('order');
    return c.json(
      await listChanges(deps.engine, ws(c), c.req.param('id'), {
        ...(order === undefined || order === '' ? {} : { order: order as ChangeOrder }),
        ...(after === undefined ? {} : { after }),
        ...(before === undefined ? {} : { before }),
        ...(limit === undefined ? {} : { limit }),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(user === undefined || user === '' ? {} : { user }),
      }),
    );
  });

  app.get('/:id/tenure', async (c) => {
    const q = (name: string) => c.req.query(name);
    const limit = parseIntParam(q('limit'), 'limit');
    const offset = parseIntParam(q('offset'), 'offset');
    const user = q('user');
    return c.json(
      await segmentTenure(deps.engine, ws(c), c.req.param('id'), {
        now: parseTimeParam(q('asOf'), 'asOf') ?? deps.now(),
        ...(limit === undefined ? {} : { limit }),
        ...(offset === undefined ? {} : { offset }),
        ...(user === undefined || user === '' ? {} : { user }),
      }),
    );
  });

  app.get('/:id/sizes', async (c) => {
    const range = sizeRange(c.req.query('from'), c.req.query('to'), deps.now());
    return c.json(await segmentSizes(deps.engine, ws(c), c.req.param('id'), range));
  });

  app.get('/:id/explain', async (c) => {
    const user = c.req.query('user');
    if (!user) throw httpError(400, 'invalid_request', 'name the user: ?user=<id>');
    return c.json(await explainMember(deps.engine, ws(c), c.req.param('id'), user, queryAsOf(c.req.query('asOf'))));
  });

  app.put('/:id/static-members', async (c) => {
    const input = validate(staticMembersBody, await readJson(c, BATCH_LIMIT));
    const segment = await getSegment(deps.engine, ws(c), c.req.param('id'));
    if (segment.kind !== 'static') throw httpError(409, 'not_static', `"${segment.name}" is a dynamic segment`);
    await deps.engine.transaction((tx) => replaceStaticMembers(tx, ws(c), segment.id, input.userIds));
    void deps.live?.segmentChanged(ws(c), segment.id);
    return c.json({ segment: segment.id, userIds: new Set(input.userIds).size });
  });

  return app;
}
