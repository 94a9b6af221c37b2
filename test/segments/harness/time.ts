import { NOW } from '../../helpers.js';

/** The evaluation time of the fixtures, and offsets from it in epoch milliseconds. */
export const T = NOW;
export const t = T.getTime();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO-8601 text of an epoch-millisecond time. */
export const iso = (ms: number): string => new Date(ms).toISOString();
