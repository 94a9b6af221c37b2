import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface Segment {
  readonly id: string;
  readonly name: string;
  readonly size: number | null;
}

/**
 * Other test files save segments on the same server while this one runs, so the page is compared with the answer
 * it was given itself, read from the network, rather than with a second request made a moment apart.
 */
async function loadWith<T>(page: Page, apiPath: string): Promise<T> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === apiPath && r.request().method() === 'GET'),
    page.reload(),
  ]);
  return (await response.json()) as T;
}

describe.skipIf(!target)('the overview page', () => {
  const dashboard = useDashboard();

  it('lists every segment with the size the API reports, a trend and a sparkline', async () => {
    const page = await dashboard.goto('/');
    // The first load has drawn its trends, so the requests counted below are the reload's.
    await page
      .getByRole('img', { name: /size over 30 days/ })
      .first()
      .waitFor();
    const sizeRequests: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('/sizes')) sizeRequests.push(path);
    });
    const segments = await loadWith<Segment[]>(page, '/api/segments');
    expect(segments.length).toBeGreaterThanOrEqual(10);
    const table = page.getByRole('table', { name: 'Segments' });
    await table.waitFor();
    // A segment another test file has just saved has no size until its first refresh, and shows a dash.
    for (const segment of segments) {
      const row = table.locator(`tr[data-segment-id="${segment.id}"]`);
      await expect
        .poll(() => row.locator('td[data-label="members"]').textContent())
        .toBe(segment.size === null ? '–' : segment.size.toLocaleString('en-US'));
    }
    // The starter segments have eight weeks of weekly refreshes, so each has a change against last week.
    const champions = segments.find((s) => s.name === 'Champions');
    const change = table.locator(`tr[data-segment-id="${champions?.id}"] td`).nth(2);
    await expect.poll(() => change.textContent()).toMatch(/^(0|[+−][\d,]+)$/);
    await expect.poll(() => page.getByRole('img', { name: /size over 30 days/ }).count()).toBe(segments.length);
    // Every trend comes from one request for the workspace, not one per segment.
    expect(sizeRequests).toEqual(['/api/segments/sizes']);
    await page.getByRole('img', { name: /Events per day over 30 days/ }).waitFor();
    await dashboard.screenshot('overview');
  });

  it('shows the data-quality and segment warnings the API reports', async () => {
    const page = await dashboard.goto('/');
    const guards = await loadWith<{ warnings: { message: string }[] }>(page, '/api/segments/warnings');
    const list = page.getByRole('list', { name: 'Segment warnings' });
    if (guards.warnings.length === 0) {
      await page.getByText('No segment is empty, tiny, stale or a near duplicate.').waitFor();
    } else {
      await expect.poll(() => list.getByRole('listitem').count()).toBe(guards.warnings.length);
      expect(await list.textContent()).toContain(guards.warnings[0]?.message);
    }
    await page.getByRole('heading', { name: 'Data quality' }).waitFor();
  });

  it('filters segments as you type, and opens one with the keyboard', async () => {
    const page = await dashboard.goto('/');
    const table = page.getByRole('table', { name: 'Segments' });
    await table.waitFor();
    // Other test files save segments on the same server, so the filter names one starter segment in full.
    await page.getByLabel('Find a segment').fill('high CHURN risk');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    const link = table.getByRole('link', { name: 'High churn risk' });
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/segments\/seg_/);
  });
});
