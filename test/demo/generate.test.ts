import { describe, expect, it } from 'vitest';
import { allCities } from '../../src/demo/geography.js';
import { type DemoOptions, demoUserId, generateDemo } from '../../src/demo/index.js';
import { type Message, message } from '../../src/ingest/messages.js';

const END = new Date('2025-03-01T00:00:00Z');
const options: DemoOptions = { users: 120, seed: 7, end: END };
const all = (o: DemoOptions): Message[] => [...generateDemo(o)].flat();

describe('generateDemo', () => {
  it('gives identical messages for the same seed and end, and different ones for another seed or end', () => {
    const first = [...generateDemo(options)];
    const second = [...generateDemo(options)];
    expect(second).toEqual(first);
    const flat = first.flat();
    const otherSeed = all({ ...options, seed: 8 });
    expect(otherSeed.length).not.toBe(flat.length);
    // Different runs never share message ids, so loading both into one workspace keeps both.
    const ids = new Set(flat.map((m) => m.messageId));
    expect(otherSeed.some((m) => ids.has(m.messageId))).toBe(false);
    const otherEnd = all({ ...options, end: new Date('2025-03-02T00:00:00Z') });
    expect(otherEnd.some((m) => ids.has(m.messageId))).toBe(false);
  });

  it('emits only messages that pass the Segment-spec schema, with unique ids and times before end', () => {
    const messages = all(options);
    for (const [i, m] of messages.entries()) {
      const parsed = message.safeParse(m);
      if (!parsed.success) throw new Error(`message ${i} is invalid: ${parsed.error.message}\n${JSON.stringify(m)}`);
    }
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
    const times = messages.map((m) => Date.parse(m.timestamp ?? ''));
    expect(Math.max(...times)).toBeLessThan(END.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(END.getTime() - 730 * 86_400_000);
  });

  it('streams batches of whole users, about 5,000 messages each, users in order', () => {
    const batches = [...generateDemo({ ...options, users: 200 })];
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches.slice(0, -1)) expect(batch.length).toBeGreaterThanOrEqual(5_000);
    const owners = batches.map((batch) => new Set(batch.map((m) => m.userId).filter((id) => id !== null)));
    for (let i = 1; i < owners.length; i++) {
      for (const id of owners[i] ?? []) expect(owners[i - 1]?.has(id)).toBe(false);
    }
    const order = batches.flat().flatMap((m) => (m.userId ? [m.userId] : []));
    expect([...new Set(order)]).toEqual(Array.from({ length: 200 }, (_, i) => demoUserId(i)));
  });

  it('is lazy: the first batch of a million users comes without generating the rest', () => {
    const first = generateDemo({ users: 1_000_000, seed: 1, end: END }).next();
    if (first.done) throw new Error('no batch');
    expect(first.value.length).toBeGreaterThanOrEqual(5_000);
    expect(first.value.length).toBeLessThan(20_000);
    expect(first.value.some((m) => m.userId === 'u000000')).toBe(true);
  });

  it('names users u000000 … and keeps the user id of every message', () => {
    expect(demoUserId(42)).toBe('u000042');
    expect(demoUserId(1_234_567)).toBe('u1234567');
    for (const m of all({ ...options, users: 20 })) expect(m.userId ?? m.anonymousId).toBeTruthy();
  });

  it('sends demographics on identify, with cities inside their countries', () => {
    const cities = new Set(allCities().map((c) => `${c.country}/${c.name}`));
    const identifies = all(options).filter((m) => m.type === 'identify' && m.traits?.['email'] !== undefined);
    expect(identifies).toHaveLength(options.users);
    for (const m of identifies) {
      const traits = m.type === 'identify' ? (m.traits ?? {}) : {};
      expect(Object.keys(traits).sort()).toEqual(
        [
          'acquisition_channel',
          'age',
          'city',
          'country',
          'created_at',
          'device',
          'email',
          'first_name',
          'gender',
          'last_name',
          'name',
          'plan',
        ].sort(),
      );
      expect(cities.has(`${traits['country']}/${traits['city']}`)).toBe(true);
      expect(['organic', 'paid_search', 'social', 'referral', 'email', 'partner']).toContain(
        traits['acquisition_channel'],
      );
      expect(['desktop', 'mobile', 'tablet']).toContain(traits['device']);
      expect(traits['created_at']).toBe(m.timestamp);
    }
  });

  it('links some first visits from an anonymous id to the user on sign-up', () => {
    const messages = all(options);
    const anonymousOnly = messages.filter((m) => m.anonymousId && !m.userId);
    expect(anonymousOnly.length).toBeGreaterThan(0);
    for (const visit of anonymousOnly) {
      const link = messages.find((m) => m.type === 'identify' && m.anonymousId === visit.anonymousId && m.userId);
      expect(link, `identify linking ${visit.anonymousId}`).toBeDefined();
    }
  });

  it('ends at the start of the current UTC day by default', () => {
    const times = all({ users: 20, seed: 3 }).map((m) => Date.parse(m.timestamp ?? ''));
    // Taken after generating, so a run that straddles midnight cannot fail.
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    expect(Math.max(...times)).toBeLessThan(today);
    expect(Math.max(...times)).toBeGreaterThan(today - 30 * 86_400_000);
  });

  it('rejects impossible options with a user error', () => {
    expect(() => generateDemo({ users: 0, seed: 1 }).next()).toThrow(/users must be/);
    expect(() => generateDemo({ users: 1.5, seed: 1 }).next()).toThrow(/users must be/);
    expect(() => generateDemo({ users: 1, seed: Number.NaN }).next()).toThrow(/seed must be/);
  });
});
