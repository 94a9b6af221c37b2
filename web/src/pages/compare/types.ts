/** The parts of GET /api/segments/compare the compare page reads (docs/analytics.md, "Compare and overlap"). */

export interface ComparedSegment {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly share: number | null;
  readonly revenue: number;
  readonly revenueShare: number | null;
  readonly aov: number | null;
  readonly ordersPerMember: number | null;
  readonly buyersShare: number | null;
  readonly conversionRate: number | null;
  readonly retentionWeek1: number | null;
  readonly retentionWeek4: number | null;
  readonly mrr: number | null;
  readonly arpu: number | null;
}

export interface OverlapPair {
  readonly a: string;
  readonly b: string;
  readonly both: number;
  readonly jaccard: number | null;
  readonly aInB: number | null;
  readonly bInA: number | null;
}

export interface Overlap {
  readonly asOf: string;
  readonly segments: readonly { readonly id: string; readonly name: string; readonly size: number }[];
  readonly pairs: readonly OverlapPair[];
}

export interface Comparison {
  readonly asOf: string;
  readonly conversion: { readonly from: string; readonly to: string; readonly withinDays?: number } | null;
  readonly segments: readonly ComparedSegment[];
  readonly overlap: Overlap;
}
