import { beforeAll, expect, it } from 'vitest';
import { getActivity } from '../../src/store/activity.js';
import { loadFixture, onEachEngine, resetData } from '../analytics/harness.js';

const NOW = new Date('2024-06-10T15:30:00Z');

// Three days of events; the import on June 9 brought in events that happened on June 1 and 2.
const FIXTURE = {
  profiles: [{ id: 'a' }, { id: 'b' }],
  events: [
    { user: 'a', name: 'E', at: '2024-06-01T10:00:00Z', receivedAt: '2024-06-09T08:00:00Z' },
    { user: 'b', name: 'E', at: '2024-06-02T23:59:59Z', receivedAt: '2024-06-09T08:00:00Z' },
    { user: 'a', name: 'E', at: '2024-06-09T00:00:00Z' },
    { user: 'a', name: 'E', at: '2024-06-10T14:45:00Z' },
    { user: 'b', name: 'E', at: '2024-06-10T15:00:00Z' },
    // After `now`: in no day and in no recent count.
    { user: 'b', name: 'E', at: '2024-06-10T16:00:00Z' },
    // Before the range of a 10-day window.
    { user: 'b', name: 'E', at: '2024-05-31T23:59:59Z' },
  ],
};

onEachEngine((engine) => {
  beforeAll(async () => {
    await resetData(engine());
    await loadFixture(engine(), 'ws', FIXTURE);
    await loadFixture(engine(), 'other', {
      profiles: [{ id: 'x' }],
      events: [{ user: 'x', name: 'E', at: '2024-06-10T15:00:00Z' }],
    });
  });

  it('counts events per UTC day by event time and by receive time, oldest day first', async () => {
    const activity = await getActivity(engine(), 'ws', { days: 10, now: NOW });
    expect(activity.from.toISOString()).toBe('2024-06-01T00:00:00.000Z');
    expect(activity.days).toHaveLength(10);
    const byDay = Object.fromEntries(activity.days.map((d) => [d.day, [d.events, d.received]]));
    expect(byDay).toEqual({
      '2024-06-01': [1, 0],
      '2024-06-02': [1, 0],
      '2024-06-03': [0, 0],
      '2024-06-04': [0, 0],
      '2024-06-05': [0, 0],
      '2024-06-06': [0, 0],
      '2024-06-07': [0, 0],
      '2024-06-08': [0, 0],
      '2024-06-09': [1, 3],
      '2024-06-10': [2, 2],
    });
  });

  it('counts what arrived in the last hour and day, and nothing of another workspace', async () => {
    const activity = await getActivity(engine(), 'ws', { days: 1, now: NOW });
    expect(activity.days).toEqual([{ day: '2024-06-10', events: 2, received: 2 }]);
    expect(activity.receivedLastHour).toBe(2);
    // June 9 08:00 is more than 24 hours before June 10 15:30; the event of June 9 00:00 too.
    expect(activity.receivedLast24h).toBe(2);
  });

  it('answers zeros for an empty workspace', async () => {
    const activity = await getActivity(engine(), 'nobody', { days: 3, now: NOW });
    expect(activity.days.map((d) => d.events + d.received)).toEqual([0, 0, 0]);
    expect([activity.receivedLastHour, activity.receivedLast24h]).toEqual([0, 0]);
  });
});
