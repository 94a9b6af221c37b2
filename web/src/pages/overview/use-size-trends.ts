import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { SegmentSizes, SegmentSummary } from './types';

export interface SizeTrend {
  /** Size at the end of each of the last 30 days. */
  readonly sizes: readonly number[];
  /** Change against the end of the day a week ago; null when the segment is younger than its history. */
  readonly weekChange: number | null;
}

const DAYS = 30;
const DAY_MS = 86_400_000;
/** Few requests at a time: a workspace may hold hundreds of segments, and the server has other work. */
const CONCURRENCY = 4;

/**
 * The last 30 days of every segment's size, one `/sizes` request per segment, a few at a time; trends appear as
 * they arrive. A failed request leaves that segment without a trend rather than failing the page.
 */
export function useSizeTrends(segments: readonly SegmentSummary[] | undefined): ReadonlyMap<string, SizeTrend> {
  const [trends, setTrends] = useState<ReadonlyMap<string, SizeTrend>>(new Map());
  const ids = segments?.map((segment) => segment.id).join(',') ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ids` stands for the list of segments.
  useEffect(() => {
    if (!segments) return;
    const controller = new AbortController();
    const from = new Date(Date.now() - (DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    const queue = segments.filter((segment) => segment.kind === 'dynamic' || segment.size !== null);
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const segment = next;
        try {
          const answer = await api.get<SegmentSizes>(
            `/api/segments/${encodeURIComponent(segment.id)}/sizes`,
            { from: `${from}T00:00:00Z` },
            controller.signal,
          );
          const sizes = answer.days.map((day) => day.size);
          const weekAgo = answer.days.at(-8);
          const first = answer.refreshes[0];
          // Known a week ago only if the segment had been evaluated by the end of that day.
          const known = weekAgo && first && Date.parse(first.at) < Date.parse(`${weekAgo.day}T00:00:00Z`) + DAY_MS;
          const weekChange = known ? (sizes.at(-1) ?? 0) - weekAgo.size : null;
          setTrends((previous) => new Map(previous).set(segment.id, { sizes, weekChange }));
        } catch {
          if (controller.signal.aborted) return;
        }
      }
    };
    void Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return () => controller.abort();
  }, [ids]);
  return trends;
}
