import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { SegmentSummary, SizeSeries } from './types';

export interface SizeTrend {
  /** Size at the end of each of the last 30 days. */
  readonly sizes: readonly number[];
  /** Change against the end of the day a week ago; null when the segment is younger than its history. */
  readonly weekChange: number | null;
}

const DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The last 30 days of every segment's size, in one request for the whole workspace (`/api/segments/sizes`), asked
 * again whenever the list of segments is. A failed request leaves the segments without trends rather than failing
 * the page.
 */
export function useSizeTrends(segments: readonly SegmentSummary[] | undefined): ReadonlyMap<string, SizeTrend> {
  const [trends, setTrends] = useState<ReadonlyMap<string, SizeTrend>>(new Map());
  useEffect(() => {
    if (!segments) return;
    const controller = new AbortController();
    const from = new Date(Date.now() - (DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    // A static segment that was never sized has no history to draw.
    const drawn = new Set(segments.filter((s) => s.kind === 'dynamic' || s.size !== null).map((s) => s.id));
    api.get<SizeSeries>('/api/segments/sizes', { from: `${from}T00:00:00Z` }, controller.signal).then(
      (answer) => {
        const next = new Map<string, SizeTrend>();
        for (const series of answer.segments) {
          if (!drawn.has(series.segment.id)) continue;
          const sizes = series.days.map((day) => day.size);
          const weekAgo = series.days.at(-8);
          // Known a week ago only if the segment had been evaluated by the end of that day.
          const known =
            weekAgo &&
            series.firstRefreshAt !== null &&
            Date.parse(series.firstRefreshAt) < Date.parse(`${weekAgo.day}T00:00:00Z`) + DAY_MS;
          next.set(series.segment.id, { sizes, weekChange: known ? (sizes.at(-1) ?? 0) - weekAgo.size : null });
        }
        setTrends(next);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [segments]);
  return trends;
}
