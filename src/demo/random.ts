/**
 * Seeded pseudo-random numbers. Every random choice in the demo comes from a `Random` whose seed is a hash of
 * (demo seed, stream, index…), so one user's data does not depend on how many users came before it, and a new
 * random draw added to one concern (say, demographics) does not shift any other concern's numbers.
 */

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a list of integers (each taken modulo 2³²). */
export function hash(...words: readonly number[]): number {
  let h = 0x6a09e667;
  for (const word of words) h = fmix(Math.imul(h ^ fmix(word + 0x9e3779b9), 0x27d4eb2f) + 0x165667b1);
  return h;
}

/** A seed as two 32-bit words, so any safe integer (also negative or above 2³²) gives its own stream. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/** The element at `index`, which the caller has already bounded; a miss is a bug, not user input. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`internal error: index ${index} outside a list of ${items.length}`);
  return item;
}

/** sfc32 (Chris Doty-Humphrey's small fast counter): fast, 128 bits of state, passes PractRand to 2⁴⁰ bytes. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...words: readonly number[]) {
    this.a = hash(...words, 1);
    this.b = hash(...words, 2);
    this.c = hash(...words, 3);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A whole number in [low, high], both included. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, Math.floor(this.next() * items.length));
  }

  /** Exponentially distributed with the given mean: the gap between events of a Poisson process. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Roughly normal (sum of three uniforms), cheap and bounded to mean ± 3·sd. */
  normal(mean: number, sd: number): number {
    return mean + sd * (this.next() + this.next() + this.next() - 1.5) * 2;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  }

  /** A new array with the items in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const swap = at(out, i);
      out[i] = at(out, j);
      out[j] = swap;
    }
    return out;
  }
}

/** A fixed weighted choice, prepared once: the cumulative weights are searched on every draw. */
export class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cumulative: readonly number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error('internal error: a weighted choice needs at least one entry');
    let sum = 0;
    this.items = entries.map(([item]) => item);
    this.cumulative = entries.map(([, weight]) => {
      sum += weight;
      return sum;
    });
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (at(this.cumulative, mid) > target) high = mid;
      else low = mid + 1;
    }
    return at(this.items, low);
  }
}
