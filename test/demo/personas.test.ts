import { describe, expect, it } from 'vitest';
import { type Persona, personaOf, personas } from '../../src/demo/index.js';

const shares: Record<Persona, number> = {
  loyal_big_spender: 0.05,
  bargain_hunter: 0.1,
  drifting_churner: 0.1,
  one_time_buyer: 0.2,
  window_shopper: 0.15,
  new_signup: 0.1,
  regular: 0.3,
};

const count = (seed: number, users: number, offset = 0): Record<Persona, number> => {
  const counts = Object.fromEntries(personas.map((p) => [p, 0])) as Record<Persona, number>;
  for (let i = offset; i < offset + users; i++) counts[personaOf({ users: offset + users, seed }, i)]++;
  return counts;
};

describe('personaOf', () => {
  it('plants each persona in its documented share, exactly in every block of 20 users', () => {
    for (const seed of [1, 42, 2 ** 40 + 3]) {
      const counts = count(seed, 4_000);
      for (const persona of personas) expect(counts[persona] / 4_000).toBeCloseTo(shares[persona], 5);
    }
  });

  it('stays close to the shares for any range of users', () => {
    const counts = count(9, 3_333, 1_234);
    for (const persona of personas) expect(Math.abs(counts[persona] / 3_333 - shares[persona])).toBeLessThan(0.01);
  });

  it('depends on seed and index only, not on how many users are generated', () => {
    const a = Array.from({ length: 200 }, (_, i) => personaOf({ users: 200, seed: 5 }, i));
    const b = Array.from({ length: 200 }, (_, i) => personaOf({ users: 1_000_000, seed: 5 }, i));
    const c = Array.from({ length: 200 }, (_, i) => personaOf({ users: 200, seed: 6 }, i));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Blocks are shuffled independently, so the pattern does not repeat every 20 users.
    expect(a.slice(20, 40)).not.toEqual(a.slice(0, 20));
  });
});
