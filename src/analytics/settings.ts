import { z } from 'zod';
import type { Engine } from '../engines/engine.js';
import { json, sql, str, ts } from '../engines/sql.js';
import { fromZod, UserError } from '../errors.js';
import { analyticsSettings } from '../store/tables.js';
import { journeyConfigSchema } from './journey.js';
import { lifecycleConfigSchema } from './lifecycle/thresholds.js';
import { orderOptionsSchema } from './orders.js';
import { rfmGroupsSchema } from './rfm/groups.js';
import { TRAIT_FAMILIES, type TraitFamily } from './traits/definitions.js';
import { valueTiersConfigSchema } from './value-tiers.js';

const families = Object.keys(TRAIT_FAMILIES) as [TraitFamily, ...TraitFamily[]];

/**
 * A workspace's analytics settings: what an order is, the RFM group mapping, lifecycle thresholds, the journey
 * mapping and the value-tier cut-offs. Every part has a default, so `{}` is valid and a partial document fills the
 * rest; the reports, the computed traits and the dashboard all read the same stored settings.
 */
export const analyticsSettingsSchema = z.strictObject({
  orders: orderOptionsSchema.prefault({}),
  rfm: z.strictObject({ groups: rfmGroupsSchema.optional() }).prefault({}),
  lifecycle: lifecycleConfigSchema.prefault({}),
  journey: journeyConfigSchema.prefault({}),
  valueTiers: valueTiersConfigSchema.prefault({}),
  traits: z
    .strictObject({
      asOf: z
        .enum(['now', 'data'])
        .default('now')
        .describe('computed traits as of now (a live store) or midnight after the last order (a historical import)'),
      families: z.array(z.enum(families)).min(1).default(families).describe('which analyses write computed traits'),
    })
    .prefault({}),
});
export type AnalyticsSettings = z.infer<typeof analyticsSettingsSchema>;

/** Validates a settings document; errors carry the path of the offending field under `settings`. */
export function parseSettings(input: unknown): AnalyticsSettings {
  const parsed = analyticsSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = fromZod(parsed.error, 'settings');
  const first = issues[0];
  throw new UserError(
    first?.code ?? 'invalid_settings',
    first?.message ?? 'invalid settings',
    first?.path,
    422,
    issues,
  );
}

/** The stored settings of a workspace, defaults filled in. */
export async function readSettings(engine: Engine, workspace: string): Promise<AnalyticsSettings> {
  const [row] = await engine.query(sql`SELECT settings FROM analytics_settings WHERE workspace = ${str(workspace)}`);
  return parseSettings(row?.['settings'] ?? {});
}

/**
 * Replaces a workspace's settings (validated first); returns them with defaults filled in. The document is stored as
 * given, so a default that changes in a later version applies to every field the user left out.
 */
export async function writeSettings(
  engine: Engine,
  workspace: string,
  input: unknown,
  at: Date,
): Promise<AnalyticsSettings> {
  const settings = parseSettings(input);
  await engine.run(
    engine.dialect.upsert(analyticsSettings, sql`SELECT ${str(workspace)}, ${json(input ?? {})}, ${ts(at)}`),
  );
  return settings;
}
