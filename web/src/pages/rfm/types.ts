/** The parts of the analytics API's answers the RFM page reads (docs/analytics.md). */

export interface RfmGroupSummary {
  readonly name: string;
  readonly customers: number;
  readonly customerShare: number;
  readonly revenue: number;
  readonly revenueShare: number | null;
  readonly avgRecencyDays: number | null;
  readonly avgFrequency: number | null;
  readonly avgMonetary: number | null;
}

export interface RfmSummary {
  readonly asOf: string | null;
  readonly customers: number;
  readonly revenue: number;
  readonly groups: readonly RfmGroupSummary[];
  /** `grid[r-1][f-1]` */
  readonly grid: readonly (readonly number[])[];
  readonly gridGroups: readonly (readonly (string | null)[])[];
}

export interface TraitMigration {
  readonly from: string;
  readonly to: string;
  readonly groups: readonly string[];
  /** `matrix[i][j]`: users with `groups[i]` at `from` and `groups[j]` at `to`. */
  readonly matrix: readonly (readonly number[])[];
  readonly total: number;
}

export interface SegmentRef {
  readonly id: string;
  readonly name: string;
  readonly text: string | null;
}
