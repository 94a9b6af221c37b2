/** The parts of the API's answers the overview reads (docs/api.md). */

export interface SegmentSummary {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly kind: 'dynamic' | 'static';
  readonly size: number | null;
  readonly refreshedAt: string | null;
  readonly realtime: boolean;
  readonly realtimeReason: string | null;
  readonly text: string | null;
}

export interface SizeDay {
  readonly day: string;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
}

export interface SizeSeries {
  readonly segments: readonly {
    readonly segment: { readonly id: string; readonly name: string };
    readonly days: readonly SizeDay[];
    readonly firstRefreshAt: string | null;
  }[];
}

export interface Stats {
  readonly profiles: number;
  readonly accounts: number;
  readonly events: number;
  readonly revenue: number;
  readonly firstEvent: string | null;
  readonly lastEvent: string | null;
}

export interface Activity {
  readonly days: readonly { day: string; events: number; received: number }[];
  readonly receivedLastHour: number;
  readonly receivedLast24h: number;
}

export interface LiveStatus {
  readonly enabled: boolean;
  readonly writes: number;
  readonly changes: number;
  readonly lastSweepAt: string | null;
  readonly lastError: string | null;
}

export interface SegmentWarning {
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly segmentId?: string;
}

export interface QualityCheck {
  readonly code: string;
  readonly title: string;
  readonly severity: 'ok' | 'info' | 'warning' | 'error';
  readonly count: number;
  readonly share: number;
  readonly message: string;
}
