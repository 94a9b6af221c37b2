import { ref } from './openapi-components.js';
import {
  adminErrors,
  adminOperation,
  errorResponse as error,
  type Operation,
  jsonResponse as ok,
  queryParam as query,
} from './openapi-operations.js';

/** The `/api/segments` operations of the OpenAPI document (schemas are components generated from Zod). */

const errors = {
  400: error('invalid request'),
  ...adminErrors,
};
const notFound = { 404: error('no such segment') };
const invalid = { 422: error('an invalid definition: every issue with its code and path') };
const id = { name: 'id', in: 'path', required: true, description: 'segment id or name', schema: { type: 'string' } };
const typed = (name: string, description: string, schema: Record<string, unknown>) => ({
  ...query(name, description),
  schema,
});
const time = (name: string, description: string) =>
  typed(name, `${description} (ISO-8601; without a zone, UTC)`, { type: 'string', format: 'date-time' });
const whole = (name: string, description: string, maximum?: number) =>
  typed(name, description, { type: 'integer', minimum: 0, ...(maximum === undefined ? {} : { maximum }) });
const badParameter = { 400: error('a bad query parameter: `path` names it (invalid_parameter, invalid_range, …)') };
const segmentRef = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' } },
  required: ['id', 'name'],
};
const dateTime = { type: 'string', format: 'date-time' };
const count = { type: 'integer', minimum: 0 };
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});
const changesPage = object({
  segment: segmentRef,
  changes: {
    type: 'array',
    items: object({ seq: count, user_id: { type: 'string' }, change: { enum: ['entered', 'exited'] }, at: dateTime }),
  },
  next_after: {
    type: ['integer', 'null'],
    description: 'oldest first: pass as `after` for the next page; null on the last page and when newest first',
  },
  next_before: {
    type: ['integer', 'null'],
    description: 'newest first: pass as `before` for the next page; null on the last page and when oldest first',
  },
});
const tenureResult = object({
  segment: segmentRef,
  now: dateTime,
  total: count,
  users: {
    type: 'array',
    items: object({
      user_id: { type: 'string' },
      entries: count,
      re_entries: count,
      member: { type: 'boolean' },
      first_entered_at: dateTime,
      last_change_at: dateTime,
      total_ms: { type: 'number' },
    }),
  },
  summary: object({
    users: count,
    members_now: count,
    re_entry_rate: { type: 'number' },
    mean_ms: { type: 'number' },
    median_ms: { type: 'number' },
  }),
});
const sizeDays = {
  type: 'array',
  items: object({
    day: { type: 'string', format: 'date' },
    size: count,
    entered: count,
    exited: count,
    recorded: { type: 'boolean', description: 'the size is the recorded daily snapshot, not derived from the log' },
  }),
};
const sizeSeries = object({
  from: dateTime,
  to: dateTime,
  segments: {
    type: 'array',
    items: object({
      segment: segmentRef,
      days: sizeDays,
      firstRefreshAt: { type: ['string', 'null'], format: 'date-time', description: 'null: never refreshed' },
    }),
  },
});
const sizeHistory = object({
  segment: segmentRef,
  from: dateTime,
  to: dateTime,
  days: sizeDays,
  refreshes: { type: 'array', items: object({ at: dateTime, size: count, entered: count, exited: count }) },
});
const migrationResult = object({
  from: dateTime,
  to: dateTime,
  segments: { type: 'array', items: segmentRef },
  groups: { type: 'array', items: { type: 'string' }, description: 'the segment names in order, then "(none)"' },
  matrix: {
    type: 'array',
    items: { type: 'array', items: count },
    description: 'rows: group at `from`; columns: group at `to`',
  },
  links: {
    type: 'array',
    items: object({
      from: { type: 'string' },
      to: { type: 'string' },
      count,
      source: { type: 'string' },
      target: { type: 'string' },
      value: count,
    }),
  },
  nodes: {
    type: 'array',
    items: object({ name: { type: 'string' }, group: { type: 'string' }, side: { enum: ['from', 'to'] } }),
  },
  overlaps: object({ from: count, to: count }),
  total: count,
});
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const op = adminOperation('segments');

export function segmentPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/segments': {
      get: op('Segments with their current size and whether they are kept live', {
        responses: {
          200: ok('the segments', {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                name: { type: 'string' },
                kind: { enum: ['dynamic', 'static'] },
                text: { type: ['string', 'null'], description: 'the rule in the text form' },
                size: { type: ['integer', 'null'], description: 'current members; null before the first refresh' },
                refreshedAt: { type: ['string', 'null'], format: 'date-time' },
                asOf: {
                  type: ['string', 'null'],
                  format: 'date-time',
                  description: 'evaluation time of the last refresh',
                },
                realtime: { type: 'boolean', description: 'membership follows incoming data while a server runs' },
                realtimeReason: { type: ['string', 'null'], description: 'why not, when realtime is false' },
                timeWindows: { type: 'boolean', description: 'relative windows: also swept on a schedule' },
              },
            },
          }),
          ...errors,
        },
      }),
      post: op('Save a segment: a rule (JSON or text form), or a static list of user ids', {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { oneOf: [ref('SegmentRequest'), ref('StaticSegmentRequest')] } } },
        },
        responses: { 201: ok('created'), ...errors, 409: error('the name is taken'), ...invalid },
      }),
    },
    '/api/segments/preview': {
      post: op('Count the members of an unsaved rule (the live count while editing)', {
        requestBody: body('PreviewRequest'),
        responses: { 200: ok('{count, asOf, durationMs}'), ...errors, ...invalid },
      }),
    },
    '/api/segments/refresh': {
      post: op('Refresh every segment in dependency order', {
        requestBody: body('RefreshRequest'),
        responses: { 200: ok('one result per segment', { type: 'array' }), ...errors },
      }),
    },
    '/api/segments/sizes': {
      get: op('Size at the end of each UTC day of many segments at once, for an overview', {
        parameters: [
          query(
            'segments',
            'segment ids or names, comma-separated (at most 500; escape a comma or backslash with a backslash); ' +
              'may be repeated. Leave out for every segment of the workspace, by name',
          ),
          time('from', 'the first day (default: 89 days before to)'),
          time('to', 'the last day (default: today); at most 3660 days in all'),
        ],
        responses: { 200: ok('{from, to, segments}', sizeSeries), ...errors, ...badParameter, ...notFound },
      }),
    },
    '/api/segments/migration': {
      get: op('How users moved between a family of segments from one time to another (a matrix and Sankey links)', {
        parameters: [
          {
            ...query(
              'segments',
              'segment ids or names, comma-separated, in priority order (a user in several counts in the first); ' +
                'escape a comma or backslash in a name with a backslash; may be repeated',
            ),
            required: true,
          },
          { ...time('from', 'the first time'), required: true },
          time('to', 'the second time (default: now)'),
        ],
        responses: {
          200: ok('{groups, matrix, links, nodes, overlaps}', migrationResult),
          ...errors,
          ...badParameter,
          ...notFound,
        },
      }),
    },
    '/api/segments/{id}': {
      get: op('A segment, with its rule in the text form', {
        parameters: [id],
        responses: { 200: ok('the segment'), ...errors, ...notFound },
      }),
      put: op('Change a segment (a new version; the old ones are kept)', {
        parameters: [id],
        requestBody: body('SegmentRequest'),
        responses: {
          200: ok('the new version'),
          ...errors,
          ...notFound,
          409: error('name taken or in use'),
          ...invalid,
        },
      }),
      delete: op('Delete a segment and its membership (its change log is kept)', {
        parameters: [id],
        responses: {
          200: ok('the deleted segment'),
          ...errors,
          ...notFound,
          409: error('another segment refers to it'),
        },
      }),
    },
    '/api/segments/{id}/history': {
      get: op('Every version of the definition', {
        parameters: [id],
        responses: { 200: ok('versions', { type: 'array' }), ...errors, ...notFound },
      }),
    },
    '/api/segments/{id}/sql': {
      get: op('The SQL the segment compiles to, with its parameters', {
        parameters: [id, query('engine', 'duckdb (default) or another dialect'), query('asOf', 'evaluation time')],
        responses: { 200: ok('{sql, params}'), ...errors, ...notFound },
      }),
    },
    '/api/segments/{id}/refresh': {
      post: op('Recompute membership and log who entered and exited', {
        parameters: [id],
        requestBody: body('RefreshRequest'),
        responses: { 200: ok('{size, entered, exited, durationMs}'), ...errors, ...notFound },
      }),
    },
    '/api/segments/{id}/members': {
      get: op('Members at the last refresh, a page at a time, or the whole list as CSV / JSON Lines', {
        parameters: [
          id,
          query('limit', 'page size'),
          query('offset', 'skip this many'),
          query('search', 'user id contains'),
          query('format', 'json (default), jsonl or csv'),
          time('at', 'members at this past time, read from the change log (default: the last refresh)'),
        ],
        responses: { 200: ok('{total, userIds} ({…, at} with at), or CSV / JSON Lines'), ...errors, ...notFound },
      }),
    },
    '/api/segments/{id}/changes': {
      get: op('The enter/exit log in seq order, oldest first (cursor: after) or newest first (cursor: before)', {
        parameters: [
          id,
          typed('order', 'oldest (default) or newest first; newest when before is given', {
            type: 'string',
            enum: ['oldest', 'newest'],
          }),
          whole('after', 'oldest first: only changes with seq greater than this (the previous page’s next_after)'),
          whole('before', 'newest first: only changes with seq less than this (the previous page’s next_before)'),
          time('since', 'only changes evaluated at or after this time'),
          time('until', 'only changes evaluated before this time'),
          query('user', 'only this user'),
          typed('limit', 'page size (default 1000)', { type: 'integer', minimum: 1, maximum: 100_000 }),
        ],
        responses: {
          200: ok('{segment, changes, next_after, next_before}', changesPage),
          ...errors,
          ...badParameter,
          ...notFound,
        },
      }),
    },
    '/api/segments/{id}/tenure': {
      get: op('Time each user spent in the segment and their re-entries, with a summary', {
        parameters: [
          id,
          query('user', 'only this user (the summary still covers everyone)'),
          whole('limit', 'page size (default 100)', 10_000),
          whole('offset', 'skip this many'),
          time('asOf', 'count open intervals up to this time, and read changes up to it (default: now)'),
        ],
        responses: { 200: ok('{users, summary}', tenureResult), ...errors, ...badParameter, ...notFound },
      }),
    },
    '/api/segments/{id}/sizes': {
      get: op('Size at the end of each UTC day, with entries, exits and the refreshes in the range', {
        parameters: [
          id,
          time('from', 'the first day (default: 89 days before to)'),
          time('to', 'the last day (default: today); at most 3660 days in all'),
        ],
        responses: { 200: ok('{days, refreshes}', sizeHistory), ...errors, ...badParameter, ...notFound },
      }),
    },
    '/api/segments/{id}/explain': {
      get: op('Why a user is or is not a member: every node with its value and verdict', {
        parameters: [id, { ...query('user', 'the user id'), required: true }, query('asOf', 'evaluation time')],
        responses: { 200: ok('{member, explanation}'), ...errors, 404: error('no such segment or user') },
      }),
    },
    '/api/segments/{id}/static-members': {
      put: op("Replace a static segment's list of user ids", {
        parameters: [id],
        requestBody: body('StaticMembersRequest'),
        responses: { 200: ok('{segment, userIds}'), ...errors, ...notFound, 409: error('not a static segment') },
      }),
    },
  };
}
