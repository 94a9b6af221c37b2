import type { Engine } from '../engines/engine.js';
import type { SegmentKind } from '../segments/store.js';
import { defaultConversion } from './insight/conversion.js';
import { type InsightInput, insightMetrics } from './insight/index.js';
import { type ConversionOptions, resolveInsightOptions } from './insight/options.js';
import { type OverlapMatrix, overlapCounts, overlapPairs } from './overlap.js';
import { checkSegmentCount, segmentsMembers } from './segment-members.js';

export const MAX_COMPARE = 8;

/** One segment's headline metrics, as a row of the side-by-side table. */
export interface ComparedSegment {
  readonly id: string;
  readonly name: string;
  readonly kind: SegmentKind;
  readonly size: number;
  readonly share: number | null;
  readonly revenue: number;
  readonly revenueShare: number | null;
  readonly aov: number | null;
  readonly ordersPerMember: number | null;
  readonly buyersShare: number | null;
  /** The members' conversion rate (see `Comparison.conversion`); null when not computed or nobody started. */
  readonly conversionRate: number | null;
  /** Retention in weeks 1 and 4 after the first event (see `retention.ts`). */
  readonly retentionWeek1: number | null;
  readonly retentionWeek4: number | null;
  /** Null when no event carries `mrr`. */
  readonly mrr: number | null;
  readonly arpu: number | null;
}

export interface Comparison {
  readonly asOf: Date;
  /** The conversion every row measures; null when there is none. */
  readonly conversion: ConversionOptions | null;
  readonly segments: readonly ComparedSegment[];
  readonly overlap: OverlapMatrix;
}

/**
 * 2–8 saved segments side by side at one asOf (default now): the same metrics as insight's headline, conversion
 * (one definition for all: given, else the default when the workspace has its events), retention weeks 1 and 4 and
 * MRR / ARPU, plus their overlap matrix.
 */
export async function compareSegments(
  engine: Engine,
  workspace: string,
  idsOrNames: readonly string[],
  input: Omit<InsightInput, 'top' | 'minSupport' | 'eventDays'> = {},
  now: () => Date = () => new Date(),
): Promise<Comparison> {
  checkSegmentCount(idsOrNames, 2, MAX_COMPARE);
  const parsed = await resolveInsightOptions(engine, workspace, input, now);
  const convertOn = parsed.conversion ?? (await defaultConversion(engine, workspace, parsed.asOf));
  // Weeks 1 and 4 are all the table shows.
  const options = { ...parsed, retentionWeeks: 4, ...(convertOn ? { conversion: convertOn } : {}) };
  const relations = await segmentsMembers(engine, workspace, idsOrNames, options.asOf);
  const segments: ComparedSegment[] = [];
  for (const { segment, members } of relations) {
    const m = await insightMetrics(engine, workspace, members, options);
    const week = (k: number) => m.retention.members[k]?.share ?? null;
    segments.push({
      id: segment.id,
      name: segment.name,
      kind: segment.kind,
      size: m.headline.size,
      share: m.headline.share,
      revenue: m.headline.revenue,
      revenueShare: m.headline.revenueShare,
      aov: m.headline.aov,
      ordersPerMember: m.headline.ordersPerMember,
      buyersShare: m.headline.buyersShare,
      conversionRate: m.conversion?.members.rate ?? null,
      retentionWeek1: week(1),
      retentionWeek4: week(4),
      mrr: m.saas?.mrr ?? null,
      arpu: m.saas?.arpu ?? null,
    });
  }
  const { sizes, both } = await overlapCounts(
    engine,
    relations.map((r) => r.members),
  );
  return {
    asOf: options.asOf,
    conversion: convertOn ?? null,
    segments,
    overlap: {
      asOf: options.asOf,
      segments: relations.map((r, i) => ({ id: r.segment.id, name: r.segment.name, size: sizes[i] ?? 0 })),
      pairs: overlapPairs(
        relations.map((r) => r.segment.id),
        sizes,
        both,
      ),
    },
  };
}
