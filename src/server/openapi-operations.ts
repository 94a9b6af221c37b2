import { type JsonSchema, ref } from './openapi-components.js';

/** The building blocks every `/api` area's OpenAPI paths share: responses, query parameters, admin operations. */

export type Operation = Record<string, unknown>;

/** `/api` authenticates with an admin key (or the local server token) as a bearer token. */
export const ADMIN_SECURITY = [{ bearerAuth: [] }];

export const jsonResponse = (description: string, schema: JsonSchema = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});

export const errorResponse = (description: string) => jsonResponse(description, ref('Error'));

/** The answers every admin route may give before it runs. */
export const adminErrors = {
  401: errorResponse('missing, unknown or revoked key'),
  403: errorResponse('a write key: /api needs an admin key'),
};

export const queryParam = (
  name: string,
  description: string,
  schema: JsonSchema = { type: 'string' },
  required = false,
) => ({ name, in: 'query', required, description, schema });

/** An operation under `tag` that needs an admin key. */
export const adminOperation =
  (tag: string) =>
  (summary: string, rest: Operation): Operation => ({ tags: [tag], summary, security: ADMIN_SECURITY, ...rest });
