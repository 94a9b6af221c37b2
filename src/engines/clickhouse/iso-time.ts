import { isoTimePattern } from '../../segments/ir/lower.js';
import { type Sql, sql, str, trusted } from '../sql.js';
import { bindOnce } from './json-path.js';

/**
 * `isoTimePattern` with capture groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 `Z`,
 * 9 offset sign, 10 offset hours, 11 offset minutes. It must accept exactly what `isoTimePattern` accepts (a test
 * checks both on a corpus); `isoTimePattern` itself is still the gate, so the two cannot drift silently.
 */
export const ISO_TIME_CAPTURE =
  '^(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(?:(Z)|([+-])(\\d{2}):?(\\d{2}))?)?$';

/**
 * ISO-8601 text as epoch milliseconds with the oracle's semantics (`parseTime`: `Date.parse` in V8), or NULL.
 *
 * Computed arithmetically rather than with `parseDateTime64BestEffort`, because that function accepts far more
 * than the pattern, and `DateTime64` only spans 1900–2299 while the pattern allows years 0000–9999. V8's rules are
 * reproduced: month 1–12, day within the month (leap years included), hour ≤ 23 (V8 rejects `24:00`), minute and
 * second ≤ 59, offset hours ≤ 23 and minutes ≤ 59, fraction truncated to milliseconds, no zone means UTC.
 */
export function isoTimeMs(text: Sql): Sql {
  const g = trusted('_strata_iso_g');
  const v = trusted('_strata_iso_v');
  const n = (i: number) => sql`${v}[${trusted(String(i))}]`;
  const [year, month, day, hour, minute, second, millis, sign, offsetHours, offsetMinutes] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ].map(n) as [Sql, Sql, Sql, Sql, Sql, Sql, Sql, Sql, Sql, Sql];
  // OrZero: ClickHouse may evaluate a branch for rows the match rejected, where the groups are empty.
  const numbers = sql`[toInt64OrZero(${g}[1]), toInt64OrZero(${g}[2]), toInt64OrZero(${g}[3]), toInt64OrZero(${g}[4]),
    toInt64OrZero(${g}[5]), toInt64OrZero(${g}[6]), toInt64OrZero(substring(concat(${g}[7], '000'), 1, 3)),
    if(${g}[9] = '-', -1, 1), toInt64OrZero(${g}[10]), toInt64OrZero(${g}[11])]`;
  const leap = sql`((${year} % 4 = 0 AND ${year} % 100 != 0) OR ${year} % 400 = 0)`;
  const monthDays = sql`multiIf(${month} = 2, if(${leap}, 29, 28), ${month} IN (4, 6, 9, 11), 30, 31)`;
  const valid = sql`${month} BETWEEN 1 AND 12 AND ${day} BETWEEN 1 AND ${monthDays} AND ${hour} <= 23
    AND ${minute} <= 59 AND ${second} <= 59 AND ${offsetHours} <= 23 AND ${offsetMinutes} <= 59`;
  // Days since 1970-01-01 (H. Hinnant's days_from_civil). The year is shifted by 400 (one Gregorian cycle of
  // 146097 days) so every intermediate stays non-negative and integer division needs no floor/trunc care.
  const y = sql`(${year} - if(${month} <= 2, 1, 0) + 400)`;
  const era = sql`intDiv(${y}, 400)`;
  const yearOfEra = sql`(${y} - ${era} * 400)`;
  const dayOfYear = sql`(intDiv(153 * ((${month} + 9) % 12) + 2, 5) + ${day} - 1)`;
  const dayOfEra = sql`(${yearOfEra} * 365 + intDiv(${yearOfEra}, 4) - intDiv(${yearOfEra}, 100) + ${dayOfYear})`;
  const days = sql`(${era} * 146097 + ${dayOfEra} - 719468 - 146097)`;
  const ms = sql`(${days} * 86400000 + ${hour} * 3600000 + ${minute} * 60000 + ${second} * 1000 + ${millis}
    - ${sign} * (${offsetHours} * 60 + ${offsetMinutes}) * 60000)`;
  const fromNumbers = bindOnce('_strata_iso_v', numbers, sql`if(${valid}, ${ms}, NULL)`);
  const fromGroups = bindOnce('_strata_iso_g', sql`extractGroups(${text}, ${str(ISO_TIME_CAPTURE)})`, fromNumbers);
  return sql`if(match(${text}, ${str(isoTimePattern)}), ${fromGroups}, NULL)`;
}
