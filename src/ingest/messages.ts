import { z } from 'zod';

/**
 * Segment-spec messages (https://segment.com/docs/connections/spec/), validated once here. Unknown top-level keys
 * are allowed, as in the spec (libraries add their own); the fields Strata uses are checked strictly.
 */

const MAX_ID = 512;
const MAX_NAME = 512;

const id = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .pipe(z.string().min(1, 'must not be empty').max(MAX_ID, `must be at most ${MAX_ID} characters`));

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: 'must be an ISO-8601 date-time, e.g. 2024-05-01T12:00:00Z',
});

const object = z.record(z.string(), z.unknown());

const common = {
  messageId: id.optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: isoTime.optional(),
  originalTimestamp: isoTime.optional(),
  sentAt: isoTime.optional(),
  receivedAt: isoTime.optional(),
  context: object.optional(),
  integrations: object.optional(),
};

const needsIdentity = <T extends { userId?: string | null | undefined; anonymousId?: string | null | undefined }>(
  message: T,
  ctx: z.RefinementCtx,
) => {
  if (!message.userId && !message.anonymousId) {
    ctx.addIssue({
      code: 'custom',
      path: ['userId'],
      message: 'userId or anonymousId is required',
      params: { code: 'missing_identity' },
    });
  }
};

export const identifyMessage = z
  .looseObject({ ...common, type: z.literal('identify'), traits: object.optional() })
  .superRefine(needsIdentity);

export const trackMessage = z
  .looseObject({
    ...common,
    type: z.literal('track'),
    event: z.string().min(1, 'must not be empty').max(MAX_NAME),
    properties: object.optional(),
  })
  .superRefine(needsIdentity);

export const pageMessage = z
  .looseObject({
    ...common,
    type: z.literal('page'),
    name: z.string().max(MAX_NAME).nullish(),
    category: z.string().max(MAX_NAME).nullish(),
    properties: object.optional(),
  })
  .superRefine(needsIdentity);

export const screenMessage = z
  .looseObject({
    ...common,
    type: z.literal('screen'),
    name: z.string().max(MAX_NAME).nullish(),
    category: z.string().max(MAX_NAME).nullish(),
    properties: object.optional(),
  })
  .superRefine(needsIdentity);

export const groupMessage = z
  .looseObject({ ...common, type: z.literal('group'), groupId: id, traits: object.optional() })
  .superRefine(needsIdentity);

export const aliasMessage = z.looseObject({
  ...common,
  type: z.literal('alias'),
  userId: id,
  previousId: id,
});

export const message = z.discriminatedUnion('type', [
  identifyMessage,
  trackMessage,
  pageMessage,
  screenMessage,
  groupMessage,
  aliasMessage,
]);

export type Message = z.infer<typeof message>;
export type MessageType = Message['type'];
export const messageTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;

/** `POST /v1/batch`: messages plus context and integrations shared by all of them. */
export const batchEnvelope = z.looseObject({
  batch: z.array(z.unknown()).max(10_000, 'a batch holds at most 10,000 messages'),
  context: object.optional(),
  integrations: object.optional(),
});
