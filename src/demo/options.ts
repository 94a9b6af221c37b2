import { UserError } from '../errors.js';
import { DAY_MS } from './calendar.js';
import { hash, seedWords } from './random.js';
import type { RunContext } from './user-journey.js';

/** What to generate: how many users, from which seed, and the moment the two years end. */
export interface DemoOptions {
  readonly users: number;
  readonly seed: number;
  /** Every generated time is before this. Default: the start of the current UTC day. */
  readonly end?: Date;
}

/**
 * The default size: about 437,000 messages, generated and stored in a DuckDB file in 16 s on the 2-core
 * development machine when quiet and about 30 s when it is busy with other work (measured; see docs/demo.md).
 */
export const DEFAULT_DEMO_USERS = 4_000;

/** The start of the current UTC day: the default `end`, so a demo made today ends at midnight. */
export function startOfUtcDay(now = new Date()): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/** Checks the options and fixes `end`, giving everything a generation run needs. */
export function runContext(options: DemoOptions): RunContext {
  if (!Number.isSafeInteger(options.users) || options.users < 1) {
    throw new UserError('invalid_option', `users must be a whole number of at least 1, got ${options.users}`, 'users');
  }
  if (!Number.isSafeInteger(options.seed)) {
    throw new UserError('invalid_option', `seed must be a whole number, got ${options.seed}`, 'seed');
  }
  const end = (options.end ?? startOfUtcDay()).getTime();
  if (Number.isNaN(end)) throw new UserError('invalid_option', 'end must be a valid date', 'end');
  // The tag makes message ids differ between runs with another seed or end, so such runs never deduplicate.
  const tag = `d${hash(...seedWords(options.seed), ...seedWords(end)).toString(36)}`;
  return { seed: options.seed, end, tag };
}
