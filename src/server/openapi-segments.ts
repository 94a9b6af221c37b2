import { ref } from './openapi-components.js';

/** The `/api/segments` operations of the OpenAPI document (schemas are components generated from Zod). */

type Operation = Record<string, unknown>;
const ADMIN = [{ bearerAuth: [] }];
const ok = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const error = (description: string) => ok(description, ref('Error'));
const errors = {
  400: error('invalid request'),
  401: error('missing, unknown or revoked key'),
  403: error('a write key: /api needs an admin key'),
};
const notFound = { 404: error('no such segment') };
const invalid = { 422: error('an invalid definition: every issue with its code and path') };
const id = { name: 'id', in: 'path', required: true, description: 'segment id or name', schema: { type: 'string' } };
const query = (name: string, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'string' },
});
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const op = (summary: string, rest: Operation): Operation => ({ tags: ['segments'], summary, security: ADMIN, ...rest });

export function segmentPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/segments': {
      get: op('Segments with their size at the last refresh', {
        responses: { 200: ok('the segments', { type: 'array' }), ...errors },
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
        ],
        responses: { 200: ok('{total, userIds}, or CSV / JSON Lines'), ...errors, ...notFound },
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
