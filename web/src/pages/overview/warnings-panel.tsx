import { useApi } from '../../api/use-api';
import { formatInt, formatPercent } from '../../components/format';
import { Panel } from '../../components/page';
import { Loaded } from '../../components/states';
import { Link } from '../../router';
import type { QualityCheck, SegmentWarning } from './types';

const badge = (severity: string) =>
  severity === 'error' ? 'badge bad' : severity === 'warning' ? 'badge warn' : 'badge';

/** Data-quality checks that found something, and the guards' warnings about segments. */
export function WarningsPanel() {
  const quality = useApi<{ checks: readonly QualityCheck[] }>('/api/quality');
  const guards = useApi<{ warnings: readonly SegmentWarning[] }>('/api/segments/warnings');
  return (
    <Panel title="Warnings">
      <h3>Data quality</h3>
      <Loaded result={quality} what="Checking the data">
        {({ checks }) => {
          const found = checks.filter((check) => check.severity !== 'ok');
          if (found.length === 0) return <p className="good">All {checks.length} data-quality checks pass.</p>;
          return (
            <ul className="warnings" aria-label="Data quality warnings">
              {found.map((check) => (
                <li key={check.code}>
                  <span className={badge(check.severity)}>{check.severity}</span> <strong>{check.title}</strong>:{' '}
                  {check.message}{' '}
                  <span className="muted small">
                    ({formatInt(check.count)}, {formatPercent(check.share)})
                  </span>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
      <h3>Segments</h3>
      <Loaded result={guards} what="Checking the segments">
        {({ warnings }) =>
          warnings.length === 0 ? (
            <p className="good">No segment is empty, tiny, stale or a near duplicate.</p>
          ) : (
            <ul className="warnings" aria-label="Segment warnings">
              {warnings.map((warning) => (
                <li key={`${warning.code}:${warning.segmentId ?? ''}:${warning.message}`}>
                  <span className={badge(warning.severity)}>{warning.severity}</span>{' '}
                  {warning.segmentId ? (
                    <Link href={`/segments/${encodeURIComponent(warning.segmentId)}`}>{warning.message}</Link>
                  ) : (
                    warning.message
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Panel>
  );
}
