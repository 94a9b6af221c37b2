import { readFileSync } from 'node:fs';
import { type CustomerSummary, customerSummary } from '../../src/models/clv/summary.js';

/**
 * The CDNOW 1/10 sample's published summary (test/fixtures/README.md): `ID,x,t_x,T,zbar`, weeks, calibration to
 * 1997-09-30, zbar = mean repeat spend in dollars. The BG/NBD, Gamma-Gamma and CLV tests read it.
 */
export function cdnowSummary(): CustomerSummary {
  const rows = readFileSync(new URL('../fixtures/cdnow-customers-summary.csv', import.meta.url), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map(Number));
  return customerSummary({
    x: rows.map((r) => r[1] as number),
    tx: rows.map((r) => r[2] as number),
    T: rows.map((r) => r[3] as number),
    monetary: rows.map((r) => r[4] as number),
  });
}
