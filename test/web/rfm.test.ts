import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface Summary {
  readonly customers: number;
  readonly groups: { name: string; customers: number; revenueShare: number | null }[];
}

describe.skipIf(!target)('the RFM page', () => {
  const dashboard = useDashboard();

  it('shows the grid, and the groups with the customers and revenue shares the API reports', async () => {
    const summary = await dashboard.api<Summary>('/api/analytics/rfm/summary');
    expect(summary.customers).toBeGreaterThan(0);
    const page = await dashboard.goto('/rfm');
    await page.getByRole('img', { name: /RFM grid/ }).waitFor();
    const table = page.getByRole('table', { name: 'RFM groups' });
    for (const group of summary.groups) {
      const row = table
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: group.name, exact: true }) });
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells[0]).toBe(group.customers.toLocaleString('en-US'));
      expect(cells[3]).toBe(group.revenueShare === null ? '–' : `${(group.revenueShare * 100).toFixed(1)} %`);
    }
    await dashboard.screenshot('rfm');
  });

  it('draws the migration between two dates from the rfm_segment history', async () => {
    const from = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const migration = await dashboard.api<{ total: number }>(
      `/api/analytics/traits/rfm_segment/migration?from=${from}T00:00:00Z&to=${to}T00:00:00Z`,
    );
    // The demo computes the traits monthly over six months, so there is a history to migrate across.
    expect(migration.total).toBeGreaterThan(0);
    const page = await dashboard.goto(`/rfm?from=${from}&to=${to}`);
    await page.getByRole('img', { name: /Sankey of customers/ }).waitFor();
    expect(await page.getByText(`${migration.total.toLocaleString('en-US')} customers;`).count()).toBe(1);
    await page.getByRole('table', { name: 'Largest moves' }).waitFor();
  });

  it('saves a group as a segment and opens it', async () => {
    const page = await dashboard.goto('/rfm');
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Hibernating', exact: true }) });
    await row.getByRole('button', { name: 'Save as segment' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/segments\/seg_/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const saved = await dashboard.api<{ name: string; text: string }>(`/api/segments/${id}`);
    expect(saved).toMatchObject({ name: 'RFM: Hibernating', text: 'rfm_segment = "Hibernating"' });
  });
});
