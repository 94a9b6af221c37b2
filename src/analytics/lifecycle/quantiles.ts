/**
 * Exact quantiles of whole-number values given as a histogram (value → count), by linear interpolation between the
 * order statistics (Hyndman & Fan type 7, the default of R, NumPy and DuckDB's `quantile_cont`): with the N values
 * sorted as x₀ ≤ … ≤ x_{N−1}, the p-quantile is x_k + (h − k)(x_{k+1} − x_k) where h = (N − 1)p and k = ⌊h⌋.
 *
 * `percent` is a whole number (75 for p75) so h is computed exactly in integers: (N − 1)·0.9 in floating point is
 * not always the integer it should be, and a stray 1e-15 would move a `ceil` by a whole day.
 */
export function histogramQuantile(histogram: ReadonlyMap<number, number>, percent: number): number | null {
  const entries = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const scaled = (total - 1) * percent; // h × 100
  const k = Math.floor(scaled / 100);
  const fraction = (scaled % 100) / 100;
  const at = (index: number): number => {
    let seen = 0;
    for (const [value, n] of entries) {
      seen += n;
      if (index < seen) return value;
    }
    return entries[entries.length - 1]?.[0] ?? 0;
  };
  const low = at(k);
  return fraction === 0 ? low : low + fraction * (at(k + 1) - low);
}
