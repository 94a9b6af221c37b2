/** The parts of the API's answers the segment and compare pages read (docs/api.md, analytics.md, history.md). */

/** One entry of GET /api/segments. */
export interface SegmentSummary {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  readonly kind: 'dynamic' | 'static';
  readonly version: number;
  readonly updatedAt: string;
  readonly size: number | null;
  readonly refreshedAt: string | null;
  readonly asOf: string | null;
  readonly realtime: boolean;
  readonly realtimeReason: string | null;
  readonly timeWindows: boolean;
  readonly text: string | null;
}

export interface Headline {
  readonly size: number;
  readonly users: number;
  readonly share: number | null;
  readonly revenue: number;
  readonly totalRevenue: number;
  readonly revenueShare: number | null;
  readonly orders: number;
  readonly aov: number | null;
  readonly ordersPerMember: number | null;
  readonly buyers: number;
  readonly buyersShare: number | null;
}

export interface DistinguishingItem {
  readonly kind: 'trait' | 'event';
  readonly key: string;
  readonly value: string | number | boolean | null;
  readonly shareIn: number;
  readonly shareOut: number;
  readonly lift: number | null;
  readonly pValue: number;
  readonly qValue: number;
  readonly countIn: number;
  readonly countOut: number;
}

export interface NumericItem {
  readonly kind: 'numeric_trait';
  readonly key: string;
  readonly meanIn: number;
  readonly meanOut: number;
  readonly difference: number;
  readonly pValue: number;
  readonly qValue: number;
  readonly countIn: number;
  readonly countOut: number;
}

export interface ConversionSide {
  readonly started: number;
  readonly converted: number;
  readonly rate: number | null;
}

export interface RetentionPoint {
  readonly week: number;
  readonly eligible: number;
  readonly retained: number;
  readonly share: number | null;
}

export interface Saas {
  readonly mrr: number;
  readonly totalMrr: number;
  readonly mrrShare: number | null;
  readonly payingMembers: number;
  readonly arpu: number | null;
  readonly churnRate: number | null;
  readonly ltv: number | null;
  readonly ltvNote: string | null;
}

export interface Warning {
  readonly code: string;
  readonly severity: 'info' | 'warning';
  readonly message: string;
}

export interface Insight {
  readonly asOf: string;
  readonly headline: Headline;
  readonly conversion: {
    readonly from: string;
    readonly to: string;
    readonly withinDays: number | null;
    readonly members: ConversionSide;
    readonly others: ConversionSide;
  } | null;
  readonly retention: { readonly members: readonly RetentionPoint[]; readonly others: readonly RetentionPoint[] };
  readonly saas: Saas | null;
  readonly distinguishing: {
    readonly traits: readonly DistinguishingItem[];
    readonly numericTraits: readonly NumericItem[];
    readonly events: readonly DistinguishingItem[];
    readonly tested: number;
    readonly significant: number;
    readonly excluded: { readonly traits: readonly string[]; readonly events: readonly string[] };
  };
  readonly warnings: readonly Warning[];
}

export interface SizeDay {
  readonly day: string;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
  readonly recorded: boolean;
}

export interface SizeHistory {
  readonly from: string;
  readonly to: string;
  readonly days: readonly SizeDay[];
}

export interface MembersPage {
  readonly total: number;
  readonly userIds: readonly string[];
}

export interface Change {
  readonly seq: number;
  readonly user_id: string;
  readonly change: 'entered' | 'exited';
  readonly at: string;
}

export interface ChangesPage {
  readonly changes: readonly Change[];
  readonly next_after: number | null;
  readonly next_before: number | null;
}

/** One node of GET /api/segments/:id/explain: what was tested, what the user's data held, and the verdict. */
export interface ExplainNode {
  readonly node: 'and' | 'or' | 'not' | 'const' | 'value' | 'count' | 'aggregate' | 'sequence' | 'static';
  readonly result: boolean;
  readonly detail: string;
  /** For a value test: what the rule asks of the value (`= "pro"`, `in [1, 2]`, `exists`). */
  readonly expected?: string;
  readonly actual?: unknown;
  readonly children?: readonly ExplainNode[];
}

export interface Explanation {
  readonly userId: string;
  readonly asOf: string;
  readonly member: boolean;
  readonly explanation: ExplainNode;
}

export interface ProfileEvent {
  readonly messageId: string;
  readonly name: string;
  readonly ts: string;
  readonly revenue: number | null;
}

export interface Profile {
  readonly profile: {
    readonly userId: string;
    readonly traits: Readonly<Record<string, unknown>>;
    readonly accountId: string | null;
    readonly firstSeen: string | null;
    readonly lastSeen: string | null;
  };
  readonly events: readonly ProfileEvent[];
}

export interface WebhookStatus {
  readonly state: 'active' | 'paused';
  readonly syncing: boolean;
  readonly pending: number;
  readonly delivered_total: number;
  readonly failed_attempts_total: number;
  readonly consecutive_failures: number;
  readonly last_success_at: string | null;
  readonly last_failure_at: string | null;
  readonly last_error: string | null;
  readonly next_attempt_at: string | null;
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly segment_ids: readonly string[];
  readonly batch_size: number;
  readonly state: 'active' | 'paused';
  readonly created_at: string;
  readonly status: WebhookStatus;
}

export interface CreatedWebhook extends Webhook {
  readonly secret: string;
}
