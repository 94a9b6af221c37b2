import { z } from 'zod';
import {
  aliasMessage,
  batchEnvelope,
  groupMessage,
  identifyMessage,
  message,
  messageTypes,
  pageMessage,
  screenMessage,
  trackMessage,
} from '../ingest/messages.js';
import { rule, segmentDefinition } from '../segments/definition.js';
import { definitionBody, previewBody, refreshBody, staticBody, staticMembersBody } from './routes/segments.js';
import {
  apiKey,
  createdKey,
  createKeyBody,
  errorResponse,
  healthResponse,
  ingestResponse,
  issue,
  keyList,
  profileResponse,
  statsResponse,
} from './schemas.js';

/** A JSON Schema object as it appears in the document. */
export type JsonSchema = Record<string, unknown>;

/** Component names for the message schemas, e.g. `TrackMessage`; the single-message bodies add `Request`. */
export const messageComponent = (type: string) => `${type[0]?.toUpperCase()}${type.slice(1)}Message`;
export const requestComponent = (type: string) => `${type[0]?.toUpperCase()}${type.slice(1)}Request`;
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const named: Record<string, z.ZodType> = {
  IdentifyMessage: identifyMessage,
  TrackMessage: trackMessage,
  PageMessage: pageMessage,
  ScreenMessage: screenMessage,
  GroupMessage: groupMessage,
  AliasMessage: aliasMessage,
  Message: message,
  BatchRequest: batchEnvelope,
  Issue: issue,
  Error: errorResponse,
  IngestResponse: ingestResponse,
  Health: healthResponse,
  CreateApiKeyRequest: createKeyBody,
  ApiKey: apiKey,
  CreatedApiKey: createdKey,
  ApiKeyList: keyList,
  Stats: statsResponse,
  Profile: profileResponse,
  Rule: rule,
  SegmentDefinition: segmentDefinition,
  SegmentRequest: definitionBody,
  StaticSegmentRequest: staticBody,
  PreviewRequest: previewBody,
  RefreshRequest: refreshBody,
  StaticMembersRequest: staticMembersBody,
};

// Rules JSON Schema cannot state (they are refinements in Zod), said in words.
const identity = 'Needs userId or anonymousId. Times are ISO-8601; unknown top-level fields are allowed.';
const descriptions: Record<string, string> = {
  IdentifyMessage: `Sets traits on a user or anonymous visitor. ${identity}`,
  TrackMessage: `An event the user did. ${identity}`,
  PageMessage: `A page view, stored as the event "Page Viewed". ${identity}`,
  ScreenMessage: `A screen view, stored as the event "Screen Viewed". ${identity}`,
  GroupMessage: `Links the user to an account (groupId) and sets the account's traits. ${identity}`,
  AliasMessage: 'Merges the user previousId into userId.',
  BatchRequest: 'Up to 10,000 messages; context and integrations apply to every message, its own keys winning.',
};

const writeKeyProperty: JsonSchema = {
  type: 'string',
  description: 'the write key, for clients that cannot send an Authorization header; ignored when one is sent',
};

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as JsonSchema) } : {};

/**
 * JSON Schemas for named Zod schemas (input side), referencing each other as `#/components/schemas/<id>`. The
 * document's dialect is OpenAPI 3.1's (JSON Schema 2020-12); per-schema ids would only shadow the refs.
 */
export function schemasFromZod(
  schemas: Readonly<Record<string, z.ZodType>>,
  descriptions: Readonly<Record<string, string>> = {},
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string; description?: string }>();
  for (const [id, schema] of Object.entries(schemas)) {
    registry.add(schema, { id, ...(descriptions[id] ? { description: descriptions[id] } : {}) });
  }
  const generated = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = asSchema(schema);
    out[id] = rest;
  }
  return out;
}

/**
 * Every schema of the document, generated from the Zod schemas the server validates with (input side: what a client
 * may send). Registered schemas reference each other by `$ref`, so the message union points at the six message types.
 */
export function components(): Record<string, JsonSchema> {
  const out = schemasFromZod(named, descriptions);
  // The envelope validates messages one by one after auth, so Zod sees `unknown[]`; the document names them.
  const batch = asSchema(out['BatchRequest']);
  const batchProps = asSchema(batch['properties']);
  out['BatchRequest'] = {
    ...batch,
    properties: {
      ...batchProps,
      batch: { ...asSchema(batchProps['batch']), items: ref('Message') },
      writeKey: writeKeyProperty,
    },
  };
  // On /v1/<type> the path implies the type, so the body may leave it out.
  for (const type of messageTypes) {
    const base = asSchema(out[messageComponent(type)]);
    const required = Array.isArray(base['required']) ? base['required'].filter((key) => key !== 'type') : [];
    out[requestComponent(type)] = {
      ...base,
      properties: { ...asSchema(base['properties']), writeKey: writeKeyProperty },
      required,
    };
  }
  return out;
}
