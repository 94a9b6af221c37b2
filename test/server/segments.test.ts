import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessages } from '../../src/ingest/pipeline.js';
import { NOW, WS } from '../helpers.js';
import { bearer, call, type Harness, startHarness } from './harness.js';

let h: Harness;
const api = (method: string, path: string, body?: unknown) =>
  call(h.url, method, path, { auth: bearer(h.admin), ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  h = await startHarness();
  await ingestMessages(
    h.engine,
    [
      { type: 'identify', userId: 'ann', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
      { type: 'identify', userId: 'o"hara, jr', traits: { plan: 'pro' } },
      { type: 'track', userId: 'ann', event: 'Order Completed', timestamp: '2024-05-30T00:00:00Z' },
    ],
    { workspace: WS, now: NOW, source: 'test' },
  );
});
afterAll(async () => {
  await h.close();
});

describe('/api/segments', () => {
  it('creates from the text form, refreshes, lists, exports and explains', async () => {
    const created = await api('POST', '/api/segments', { name: 'Pro', text: 'plan = "pro"' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Pro', kind: 'dynamic', rule: { type: 'trait', trait: 'plan' } });

    const refreshed = await api('POST', '/api/segments/Pro/refresh', { asOf: NOW.toISOString() });
    expect(refreshed.body).toMatchObject({ size: 2, entered: 2, exited: 0 });

    const list = await api('GET', '/api/segments');
    expect(list.body).toEqual([expect.objectContaining({ name: 'Pro', size: 2, text: 'plan = "pro"' })]);

    const members = await api('GET', '/api/segments/Pro/members?limit=1');
    expect(members.body).toEqual({ total: 2, userIds: ['ann'] });
    const csv = await call(h.url, 'GET', '/api/segments/Pro/members?format=csv', { auth: bearer(h.admin) });
    expect(csv.body).toBe('user_id\nann\n"o""hara, jr"\n');
    const jsonl = await call(h.url, 'GET', '/api/segments/Pro/members?format=jsonl', { auth: bearer(h.admin) });
    expect(
      String(jsonl.body)
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ user_id: 'ann' }, { user_id: 'o"hara, jr' }]);

    const why = await api('GET', `/api/segments/Pro/explain?user=bob&asOf=${NOW.toISOString()}`);
    expect(why.body).toMatchObject({ member: false, explanation: { node: 'value', actual: 'free', result: false } });
  });

  it('previews a count while typing and reports text errors with line and column', async () => {
    const count = await api('POST', '/api/segments/preview', {
      text: 'did "Order Completed" in last 30d',
      asOf: NOW.toISOString(),
    });
    expect(count.status).toBe(200);
    expect(count.body).toMatchObject({ count: 1 });
    const bad = await api('POST', '/api/segments/preview', { text: 'plan = ' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'syntax_error', path: expect.stringMatching(/^text:1:\d+$/) } });
    const invalid = await api('POST', '/api/segments', {
      name: 'X',
      rule: { type: 'trait', trait: 'plan', op: 'between', value: 3 },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ error: { path: 'rule.value' } });
  });

  it('keeps versions, shows SQL with parameters, and deletes', async () => {
    await api('POST', '/api/segments', { name: 'Buyers', rule: { type: 'event', event: 'Order Completed' } });
    const updated = await api('PUT', '/api/segments/Buyers', {
      name: 'Buyers',
      text: 'did "Order Completed" >= 2 times',
    });
    expect(updated.body).toMatchObject({ version: 2 });
    expect(((await api('GET', '/api/segments/Buyers/history')).body as unknown[]).length).toBe(2);
    const compiled = (await api('GET', '/api/segments/Buyers/sql')).body as { sql: string; params: unknown[] };
    expect(compiled.sql).toContain('FROM profiles');
    expect(compiled.params).toContain('Order Completed');
    expect(compiled.sql).not.toContain('Order Completed');
    expect((await api('DELETE', '/api/segments/Buyers')).status).toBe(200);
    expect((await api('GET', '/api/segments/Buyers')).status).toBe(404);
  });

  it('creates and replaces static segments', async () => {
    const created = await api('POST', '/api/segments', { name: 'VIP', static: true, userIds: ['bob', 'nobody'] });
    expect(created.status).toBe(201);
    await api('PUT', '/api/segments/VIP/static-members', { userIds: ['ann', 'bob'] });
    expect((await api('POST', '/api/segments/VIP/refresh', {})).body).toMatchObject({ size: 2 });
    expect((await api('PUT', '/api/segments/Pro/static-members', { userIds: [] })).status).toBe(409);
  });
});
