import fc from 'fast-check';
import type { EventSeed, Seed } from './seed.js';
import { HOUR, iso, MINUTE, t } from './time.js';

/**
 * Narrow generators for the three places where engines and JavaScript differ most: case folding beyond ASCII,
 * reading ISO time text, and sequences over equal timestamps. The broad generator reaches these too rarely.
 */

export const FOCUS_USERS = ['f0', 'f1', 'f2', 'f3', 'f4'] as const;

/** Letters whose lower-case forms differ between naive and per-code-point folding, and friends. */
const LETTERS = [
  'a',
  'A',
  'σ',
  'Σ',
  'ς',
  'ο',
  'Ο',
  'İ',
  'i',
  'I',
  'ı',
  'ß',
  'ẞ',
  '\u212A',
  'k',
  'ǅ',
  'ǆ',
  'Ǆ',
  'e',
  '\u0301',
  ' ',
  '👩',
];
const text = (max: number) => fc.array(fc.constantFrom(...LETTERS), { maxLength: max }).map((cs) => cs.join(''));

/** Five users with a text trait `s`, and text rules whose needles often come from the data with their case flipped. */
export const textCase = fc
  .array(text(6), { minLength: FOCUS_USERS.length, maxLength: FOCUS_USERS.length })
  .chain((values) => {
    const flip = (s: string) =>
      fc
        .array(fc.boolean(), { minLength: [...s].length, maxLength: [...s].length })
        .map((flips) => [...s].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''));
    const fromData = fc.tuple(fc.constantFrom(...values), fc.nat(), fc.nat()).chain(([v, a, b]) => {
      const cs = [...v];
      const [from, to] = [a % (cs.length + 1), b % (cs.length + 1)].sort((x, y) => x - y);
      return flip(cs.slice(from, to).join(''));
    });
    const needle = fc.oneof(fromData, text(3));
    const rule = fc
      .tuple(fc.constantFrom('contains', 'not_contains', 'starts_with', 'ends_with'), needle)
      .map(([op, value]) => ({ type: 'trait', trait: 's', op, value }));
    const seed: Seed = { profiles: values.map((s, i) => ({ id: FOCUS_USERS[i] as string, traits: { s } })) };
    return fc.tuple(fc.constant(seed), fc.array(rule, { minLength: 6, maxLength: 6 }));
  });

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** ISO-ish time text: mostly valid, with every field sometimes out of range and every optional part varied. */
const timeText = fc
  .record({
    year: fc.constantFrom(0, 1, 1969, 1970, 2023, 2024, 9999),
    month: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, fc.constantFrom(0, 13)),
    day: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 28 }) }, fc.constantFrom(0, 29, 30, 31, 32)),
    time: fc.option(
      fc.record({
        sep: fc.constantFrom('T', ' ', 't'),
        hour: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 23 }) }, fc.constantFrom(24, 25)),
        minute: fc.constantFrom(0, 30, 59, 60),
        second: fc.option(fc.constantFrom(0, 59, 60), { nil: undefined }),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
        zone: fc.constantFrom('', 'Z', 'z', '+01:00', '-0230', '+14:00', '+23:59', '+24:00', '+00:60', '-00:00', '+02'),
      }),
      { nil: undefined, freq: 4 },
    ),
  })
  .map(({ year, month, day, time }) => {
    const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    if (!time) return date;
    const seconds =
      time.second === undefined ? '' : `:${pad(time.second, 2)}${time.fraction ? `.${time.fraction}` : ''}`;
    return `${date}${time.sep}${pad(time.hour, 2)}:${pad(time.minute, 2)}${seconds}${time.zone}`;
  });

const RULE_TIMES = [
  '2024-01-01',
  '2024-02-29T00:00:00Z',
  '1970-01-01',
  '1969-12-31T23:59:59.999Z',
  '0001-01-01',
  iso(t),
];

/** Five users with a time-text trait `ts`, and time rules over it. */
export const timeCase = fc.tuple(
  fc
    .array(timeText, { minLength: FOCUS_USERS.length, maxLength: FOCUS_USERS.length })
    .map((values): Seed => ({ profiles: values.map((ts, i) => ({ id: FOCUS_USERS[i] as string, traits: { ts } })) })),
  fc.array(
    fc.oneof(
      fc
        .tuple(fc.constantFrom('before', 'after'), fc.constantFrom(...RULE_TIMES))
        .map(([op, value]) => ({ type: 'trait', trait: 'ts', op, value })),
      fc.uniqueArray(fc.constantFrom(...RULE_TIMES), { minLength: 2, maxLength: 2 }).map((pair) => ({
        type: 'trait',
        trait: 'ts',
        op: 'between',
        value: [...pair].sort((a, b) => Date.parse(a) - Date.parse(b)),
      })),
      fc.constant({ type: 'trait', trait: 'ts', op: 'not_within_last', value: '999999w' }),
    ),
    { minLength: 6, maxLength: 6 },
  ),
);

const b = t - 10 * HOUR;
const x = fc.constantFrom(0, 1, undefined);
/** Two users, two names, three instants: sequences where which event takes which step matters. */
export const sequenceCase = fc.tuple(
  fc
    .array(
      fc.record({
        user: fc.constantFrom('f0', 'f1'),
        name: fc.constantFrom('A', 'B'),
        at: fc.constantFrom(b, b, b + MINUTE, b + HOUR),
        x,
      }),
      { minLength: 3, maxLength: 12 },
    )
    .map(
      (events): Seed => ({
        profiles: [{ id: 'f0' }, { id: 'f1' }],
        events: events.map(
          (e, i): EventSeed => ({
            id: `s${pad(i, 2)}`,
            user: e.user,
            name: e.name,
            at: e.at,
            properties: e.x === undefined ? {} : { x: e.x },
          }),
        ),
      }),
    ),
  fc.array(
    fc.record(
      {
        type: fc.constant('sequence'),
        steps: fc.array(
          fc.record(
            {
              event: fc.constantFrom('A', 'B'),
              where: fc.constantFrom(
                [{ property: 'x', op: '=', value: 1 }],
                [{ property: 'x', op: '!=', value: 1 }],
                [{ property: 'x', op: 'exists' }],
              ),
            },
            { requiredKeys: ['event'] },
          ),
          { minLength: 2, maxLength: 4 },
        ),
        within: fc.constantFrom('1m', '1h'),
        window: fc.constantFrom({ since: iso(b + MINUTE) }, { last: '10h' }, { since: iso(b), until: iso(b + HOUR) }),
      },
      { requiredKeys: ['type', 'steps'] },
    ),
    { minLength: 6, maxLength: 6 },
  ),
);
