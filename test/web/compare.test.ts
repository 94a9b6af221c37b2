import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface Segment {
  readonly id: string;
  readonly name: string;
}

interface Comparison {
  readonly segments: readonly { id: string; name: string; size: number }[];
}

interface Overlap {
  readonly segments: readonly { id: string; name: string; size: number }[];
  readonly pairs: readonly {
    a: string;
    b: string;
    both: number;
    jaccard: number | null;
    aInB: number | null;
    bInA: number | null;
  }[];
}

// Starter segments without time windows: their membership does not move between the page's request and the test's.
const NAMES = ['Champions', 'At risk', 'Value tier A'] as const;

const integer = (n: number) => n.toLocaleString('en-US');
const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);

/** The overlap table's body as text cells, row by row. */
const matrix = (page: Page) =>
  page
    .getByRole('table', { name: 'Overlap matrix' })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')));

describe.skipIf(!target)('the compare page', () => {
  const dashboard = useDashboard();

  it('compares three starter segments picked with the keyboard: sizes and overlap as the API answers', async () => {
    const all = await dashboard.api<Segment[]>('/api/segments');
    const chosen = NAMES.map((name) => all.find((s) => s.name === name));
    const ids = chosen.map((s) => s?.id ?? `missing ${String(s)}`);
    const page = await dashboard.goto('/compare');
    await page.getByText('Pick two to four segments to compare.').waitFor();

    // Pick each with the keyboard: type-ahead in the select, Tab to Add, Enter.
    for (const name of NAMES) {
      await page.getByLabel('Add a segment').focus();
      await page.keyboard.type(name);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: `Remove ${name}` }).waitFor();
    }
    await expect.poll(() => new URL(page.url()).searchParams.get('segments')).toBe(ids.join(','));
    expect(page.url()).toContain(`segments=${ids.join(',')}`);
    expect(await page.getByRole('list', { name: 'Segments compared' }).getByRole('listitem').allTextContents()).toEqual(
      NAMES.map((name) => `${name}×`),
    );

    const comparison = await dashboard.api<Comparison>(`/api/segments/compare?segments=${ids.join(',')}`);
    const overlap = await dashboard.api<Overlap>(`/api/segments/overlap?segments=${ids.join(',')}`);
    const table = page.getByRole('table', { name: 'Side by side' });
    const members = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Members', exact: true }) });
    await members.waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Metric', ...NAMES]);
    const sizes = (await members.getByRole('cell').allTextContents()).map((text) => text.replace(' ★', ''));
    expect(sizes).toEqual(comparison.segments.map((s) => integer(s.size)));
    // The biggest is marked best.
    const biggest = Math.max(...comparison.segments.map((s) => s.size));
    expect(await members.locator('.compare-best').textContent()).toBe(`${integer(biggest)} ★`);

    await page.getByRole('img', { name: /^Overlap heatmap of Champions, At risk, Value tier A/ }).waitFor();
    const pair = (i: number, j: number) => {
      const a = overlap.segments[i]?.id;
      const b = overlap.segments[j]?.id;
      return {
        forward: overlap.pairs.find((p) => p.a === a && p.b === b),
        backward: overlap.pairs.find((p) => p.a === b && p.b === a),
      };
    };
    const expected = (cell: (i: number, j: number) => string) =>
      overlap.segments.map((_, i) => overlap.segments.map((__, j) => cell(i, j)));

    expect(await matrix(page)).toEqual(
      expected((i, j) => {
        if (i === j) return integer(overlap.segments[i]?.size ?? -1);
        const { forward, backward } = pair(i, j);
        return integer((forward ?? backward)?.both ?? -1);
      }),
    );

    await page.getByRole('radio', { name: 'Jaccard' }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('overlap')).toBe('jaccard');
    await expect
      .poll(() => matrix(page))
      .toEqual(
        expected((i, j) => {
          if (i === j) return percent(1);
          const { forward, backward } = pair(i, j);
          return percent((forward ?? backward)?.jaccard ?? null);
        }),
      );

    await page.getByRole('radio', { name: 'Containment' }).check();
    await expect
      .poll(() => matrix(page))
      .toEqual(
        expected((i, j) => {
          if (i === j) return percent(1);
          const { forward, backward } = pair(i, j);
          return percent(forward ? forward.aInB : (backward?.bInA ?? null));
        }),
      );
    await page.getByRole('radio', { name: 'Members in common' }).check();
    await dashboard.screenshot('compare');

    // Removing a chip keeps the URL in step and compares the two left.
    await page.getByRole('button', { name: 'Remove At risk' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('segments')).toBe(`${ids[0]},${ids[2]}`);
    await expect
      .poll(() => page.getByRole('table', { name: 'Side by side' }).getByRole('columnheader').allTextContents())
      .toEqual(['Metric', 'Champions', 'Value tier A']);
  });

  it('opens from a segment page with that segment chosen, and asks for one more', async () => {
    const champions = (await dashboard.api<Segment[]>('/api/segments')).find((s) => s.name === 'Champions');
    const page = await dashboard.goto(`/segments/${champions?.id}`);
    await page.getByRole('link', { name: 'Compare with…' }).click();
    await page.getByText('Pick at least one more segment.').waitFor();
    expect(await page.getByRole('list', { name: 'Segments compared' }).textContent()).toContain('Champions');
    expect(await page.getByRole('table', { name: 'Side by side' }).count()).toBe(0);
  });
});
