import { useApi } from '../../api/use-api';
import { Chart, type ChartOption } from '../../components/chart';
import { formatInt } from '../../components/format';
import { Panel } from '../../components/page';
import { Loaded } from '../../components/states';
import type { Activity, LiveStatus } from './types';

function activityChart(activity: Activity): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: ['happened', 'received'], bottom: 0 },
    grid: { left: 56, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: activity.days.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value' },
    series: [
      { name: 'happened', type: 'bar', data: activity.days.map((d) => d.events), itemStyle: { color: '#3b6fd8' } },
      {
        name: 'received',
        type: 'line',
        data: activity.days.map((d) => d.received),
        itemStyle: { color: '#e08a1e' },
        symbol: 'none',
      },
    ],
  };
}

/** Events per day (when they happened and when they arrived) and the ingestion rate now. */
export function ActivityPanel() {
  const activity = useApi<Activity>('/api/stats/activity', { days: 30 });
  const live = useApi<LiveStatus>('/api/live');
  return (
    <Panel title="Ingestion and activity">
      <Loaded result={activity} what="Counting events">
        {(data) => (
          <>
            <div className="cards" style={{ marginBottom: '0.5rem' }}>
              <div className="stat">
                <span className="value">{formatInt(data.receivedLastHour)}</span>
                <span className="label">events received in the last hour</span>
              </div>
              <div className="stat">
                <span className="value">{formatInt(data.receivedLast24h)}</span>
                <span className="label">in the last 24 hours ({formatInt(data.receivedLast24h / 24)} / hour)</span>
              </div>
              <div className="stat">
                <span className="value">{live.data?.enabled ? 'live' : live.data ? 'not live' : '…'}</span>
                <span className="label">
                  {live.data?.enabled
                    ? `${formatInt(live.data.changes)} segment changes since the server started`
                    : 'segments change only when refreshed'}
                </span>
              </div>
            </div>
            <Chart option={activityChart(data)} label="Events per day over 30 days, by event time and receive time" />
          </>
        )}
      </Loaded>
    </Panel>
  );
}
