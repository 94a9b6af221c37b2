import { messageOf } from '../../api/client';
import { formatInt, formatNumber, formatTime } from '../../components/format';
import type { LiveCount } from './use-live-count';

/** How many users the rule matches now, updated as the rule changes; the last count stays while the next loads. */
export function LiveCountCard({
  count,
  state,
}: {
  readonly count: LiveCount;
  /** Why there is no count to take: no conditions, or conditions with problems; null when the rule is valid. */
  readonly state: 'empty' | 'invalid' | 'checking' | null;
}) {
  const { preview, counting, error } = count;
  const current = state === null && !counting && error === undefined;
  let status: string;
  if (state === 'empty') status = 'Add a condition to count its members.';
  else if (state === 'invalid') status = 'Fix the highlighted fields to count members.';
  else if (state === 'checking' || counting) status = 'Counting…';
  else if (error !== undefined) status = `The count failed: ${messageOf(error)}`;
  else status = `as of ${formatTime(preview?.asOf)} · counted in ${formatNumber(preview?.durationMs)} ms`;
  return (
    <section className={`card builder-count${current ? '' : ' stale'}`} aria-label="Live count" aria-busy={!current}>
      <div className="stat">
        <span className="value">{preview && state !== 'empty' ? formatInt(preview.count) : '–'}</span>
        <span className="label">members match now</span>
      </div>
      <p className="small muted" role="status">
        {status}
      </p>
    </section>
  );
}
