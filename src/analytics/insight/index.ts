import type { Engine } from '../../engines/engine.js';
import type { Sql } from '../../engines/sql.js';
import type { SegmentKind } from '../../segments/store.js';
import type { LiveMode } from '../../segments/summary.js';
import { type GuardInput, parseGuardOptions, segmentWarnings, sizeWarnings, type Warning } from '../guards.js';
import { type RuleReads, segmentMembers } from '../segment-members.js';
import { type Conversion, conversion, defaultConversion } from './conversion.js';
import { type Distinguishing, distinguishing } from './distinguishing.js';
import { type Headline, headline } from './headline.js';
import { type InsightInput, type InsightOptions, resolveInsightOptions } from './options.js';
import { type Retention, retention } from './retention.js';
import { type Saas, saas } from './saas.js';

export type { Conversion, ConversionSide } from './conversion.js';
export type { Distinguishing, DistinguishingItem, NumericItem } from './distinguishing.js';
export type { Headline } from './headline.js';
export { type ConversionOptions, type InsightInput, insightOptionsSchema } from './options.js';
export type { Retention, RetentionPoint } from './retention.js';
export type { Saas } from './saas.js';

/** Everything segment insight says about one group of users. */
export interface SegmentInsight {
  /** The saved segment; null for a members relation given directly. */
  readonly segment: { readonly id: string; readonly name: string; readonly kind: SegmentKind } | null;
  readonly asOf: Date;
  readonly headline: Headline;
  readonly distinguishing: Distinguishing;
  /** Null when neither options nor the workspace give two events to convert between. */
  readonly conversion: Conversion | null;
  readonly retention: Retention;
  /** Null when no event carries an `mrr` property. */
  readonly saas: Saas | null;
  readonly warnings: readonly Warning[];
}

export interface InsightContext {
  /** The clock for the default asOf and for refresh staleness. */
  readonly now?: () => Date;
  /** Where segments are kept live (the server says); default: no server. */
  readonly mode?: LiveMode;
  readonly guards?: GuardInput;
}

/** The parts of insight that compare can reuse: everything but the distinguishing items and the warnings. */
export async function insightMetrics(
  engine: Engine,
  workspace: string,
  members: Sql,
  options: InsightOptions,
): Promise<Pick<SegmentInsight, 'headline' | 'conversion' | 'retention' | 'saas'>> {
  const head = await headline(engine, workspace, members, options.asOf, options.orders);
  const convertOn = options.conversion ?? (await defaultConversion(engine, workspace, options.asOf));
  const converted = convertOn ? await conversion(engine, workspace, members, options.asOf, convertOn) : null;
  const retained = await retention(engine, workspace, members, options.asOf, options.retentionWeeks);
  const subscriptions = await saas(engine, workspace, members, options.asOf);
  return { headline: head, conversion: converted, retention: retained, saas: subscriptions };
}

/**
 * Insight for any members relation (`SELECT user_id …`): a saved segment compiled, an unsaved rule, an uploaded
 * list. Warnings are the size-based guards only; `segmentInsight` adds those that need a saved segment.
 */
export async function insightForMembers(
  engine: Engine,
  workspace: string,
  members: Sql,
  input: InsightInput = {},
  context: InsightContext = {},
): Promise<SegmentInsight> {
  const options = await resolveInsightOptions(engine, workspace, input, context.now);
  const insight = await computeInsight(engine, workspace, members, options);
  const warnings = sizeWarnings(insight.headline.size, parseGuardOptions(context.guards), insight.distinguishing);
  return { segment: null, ...insight, warnings };
}

async function computeInsight(
  engine: Engine,
  workspace: string,
  members: Sql,
  options: InsightOptions,
  reads?: RuleReads,
): Promise<Omit<SegmentInsight, 'segment' | 'warnings'>> {
  const metrics = await insightMetrics(engine, workspace, members, options);
  const found = await distinguishing(
    engine,
    workspace,
    members,
    metrics.headline.size,
    metrics.headline.users - metrics.headline.size,
    reads ? { ...options, exclude: reads } : options,
  );
  return { asOf: options.asOf, ...metrics, distinguishing: found };
}

/** Insight for a saved segment by id or name, its members compiled at asOf (default now), with every guard. */
export async function segmentInsight(
  engine: Engine,
  workspace: string,
  idOrName: string,
  input: InsightInput = {},
  context: InsightContext = {},
): Promise<SegmentInsight> {
  const options = await resolveInsightOptions(engine, workspace, input, context.now);
  const { segment, members, reads } = await segmentMembers(engine, workspace, idOrName, options.asOf);
  const insight = await computeInsight(engine, workspace, members, options, reads);
  const warnings = await segmentWarnings(engine, workspace, segment.id, {
    asOf: options.asOf,
    now: context.now?.() ?? new Date(),
    mode: context.mode ?? 'no-server',
    size: insight.headline.size,
    significance: insight.distinguishing,
    ...(context.guards ? { guards: context.guards } : {}),
  });
  return { segment: { id: segment.id, name: segment.name, kind: segment.kind }, ...insight, warnings };
}
