import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface Distribution {
  users: number;
  bins: { from: number; to: number; count: number }[];
}
interface ChurnRun {
  stats: { model: { drivers: { column: string; coefficient: number }[] } };
}

const count = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

describe.skipIf(!target)('the Predictions page', () => {
  const dashboard = useDashboard();

  it('draws both histograms, the model quality and the drivers of churn', async () => {
    const churn = await dashboard.api<Distribution>('/api/models/churn/distribution?output=churn_risk');
    const clv = await dashboard.api<Distribution>('/api/models/clv/distribution?output=clv');
    expect(churn.users).toBeGreaterThan(0);
    expect(clv.users).toBeGreaterThan(0);
    const page = await dashboard.goto('/predictions');
    const churnHistogram = page.getByRole('img', { name: /^Histogram of churn risk/ });
    const clvHistogram = page.getByRole('img', { name: /^Histogram of lifetime value/ });
    await churnHistogram.locator('canvas').first().waitFor();
    await clvHistogram.locator('canvas').first().waitFor();
    // The histograms are over the users the API binned.
    expect(await churnHistogram.getAttribute('aria-label')).toContain(
      `over ${churn.users.toLocaleString('en-US')} users`,
    );
    expect(await clvHistogram.getAttribute('aria-label')).toContain(`over ${clv.users.toLocaleString('en-US')} users`);

    await page.getByRole('img', { name: /^Calibration/ }).waitFor();
    await page.getByText('AUC on held-out users').waitFor();
    await page.getByRole('table', { name: 'BG/NBD parameters' }).waitFor();

    // Drivers: the chart, and the same drivers in a table, strongest first.
    const { churn: run } = await dashboard.api<{ churn: ChurnRun }>('/api/models');
    const drivers = page.getByRole('region', { name: 'What drives churn' });
    await drivers
      .getByRole('img', { name: /strongest drivers of churn risk/ })
      .locator('canvas')
      .first()
      .waitFor();
    await drivers.getByText('Drivers as a table').click();
    const rows = drivers.getByRole('row');
    expect(await rows.count()).toBe(run.stats.model.drivers.length + 1);
    const firstCoefficient = Number((await rows.nth(1).getByRole('cell').first().textContent())?.replace('−', '-'));
    expect(firstCoefficient).toBeCloseTo(run.stats.model.drivers[0]?.coefficient ?? Number.NaN, 2);

    // The CLV tabs switch the histogram to another output.
    await page.getByRole('tab', { name: 'P(alive)' }).click();
    await page.getByRole('img', { name: /^Histogram of probability of being alive/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('clv')).toBe('p_alive');
  });

  it('counts the users at a churn threshold live, as the segment engine does, and saves them as a segment', async () => {
    const page = await dashboard.goto('/predictions');
    const form = page.getByRole('form', { name: 'Save Churn risk segment' });
    const threshold = form.getByLabel('Threshold', { exact: true });
    await threshold.waitFor();
    const distribution = await dashboard.api<Distribution>('/api/models/churn/distribution?output=churn_risk');
    const liveCount = form.locator('.live-count');
    const previewOf = async (value: number) =>
      (
        await dashboard.api<{ count: number }>('/api/segments/preview', {
          method: 'POST',
          body: JSON.stringify({ rule: { type: 'trait', trait: 'churn_risk', op: '>=', value } }),
        })
      ).count;

    for (const value of [0.5, 0.8]) {
      await threshold.fill(String(value));
      const expected = await previewOf(value);
      await expect.poll(async () => count(await liveCount.textContent()), { timeout: 10_000 }).toBe(expected);
      const share = ((100 * expected) / distribution.users).toFixed(1);
      await expect.poll(() => form.locator('.live-share').textContent()).toBe(`${share} %`);
    }
    // The threshold is marked on the histogram.
    expect(await page.getByRole('img', { name: /^Histogram of churn risk/ }).getAttribute('aria-label')).toContain(
      'the users at ≥ 80 % highlighted',
    );
    const shown = count(await liveCount.textContent());

    const name = 'Churn risk e2e ≥ 0.8';
    await form.getByLabel('Segment name').fill(name);
    await form.getByRole('button', { name: 'Save as segment' }).click();
    const link = form.getByRole('link', { name: `Open the segment “${name}”` });
    await link.waitFor();
    const id = decodeURIComponent((await link.getAttribute('href'))?.replace('/segments/', '') ?? '');
    const saved = await dashboard.api<{ name: string; rule: unknown }>(`/api/segments/${encodeURIComponent(id)}`);
    expect(saved).toMatchObject({ name, rule: { type: 'trait', trait: 'churn_risk', op: '>=', value: 0.8 } });
    const refreshed = await dashboard.api<{ size: number }>(`/api/segments/${encodeURIComponent(id)}/refresh`, {
      method: 'POST',
      body: '{}',
    });
    expect(refreshed.size).toBe(shown);
    await dashboard.screenshot('predictions');
  });

  it('refuses a threshold that is not a number, in words, and cannot save it', async () => {
    const page = await dashboard.goto('/predictions');
    const form = page.getByRole('form', { name: 'Save Churn risk segment' });
    const threshold = form.getByLabel('Threshold', { exact: true });
    await threshold.fill('');
    await form.getByText('Enter a number.').waitFor();
    expect(await threshold.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByRole('button', { name: 'Save as segment' }).isDisabled()).toBe(true);
  });

  it('offers to fit each model that has no run yet', async () => {
    const page = await dashboard.goto('/no-such-page');
    let fitted = false;
    await page.route(
      (url) => url.pathname === '/api/models',
      (route) => (fitted ? route.fallback() : route.fulfill({ json: { clv: null, churn: null, cluster: null } })),
    );
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/models/churn', async (route) => {
      await held;
      fitted = true;
      await route.fulfill({ json: { run: {}, segments: [] } });
    });
    await dashboard.goto('/predictions');
    await page.getByText('No churn model yet.').waitFor();
    await page.getByText('No CLV model yet.').waitFor();
    await page.getByRole('button', { name: 'Fit the churn model' }).click();
    await page.getByRole('status').filter({ hasText: 'Fitting the churn model…' }).waitFor();
    release();
    await page.getByRole('img', { name: /^Histogram of churn risk/ }).waitFor();
    await page.getByRole('img', { name: /^Histogram of lifetime value/ }).waitFor();
  });
});
