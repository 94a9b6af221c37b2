import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface ClusterRun {
  id: string;
  stats: {
    data: { users: number };
    clusters: { index: number; name: string; size: number; segment: { text: string } | null }[];
    projection: { sample: { size: number } };
  };
}

const count = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

describe.skipIf(!target)('the Personas page', () => {
  const dashboard = useDashboard();

  it('shows one card per persona, sized as the run says, and the map of the users', async () => {
    const { cluster } = await dashboard.api<{ cluster: ClusterRun }>('/api/models');
    const page = await dashboard.goto('/personas');
    await page.getByRole('heading', { name: 'Personas', level: 1 }).waitFor();
    const cards = page.getByRole('article');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(cluster.stats.clusters.length);
    let total = 0;
    for (const persona of cluster.stats.clusters) {
      const card = page.getByRole('article', { name: persona.name, exact: true });
      const size = count(await card.locator('.persona-size strong').textContent());
      expect(size, persona.name).toBe(persona.size);
      total += size;
      // Each card says what sets the persona apart, with its value against everyone's.
      expect(await card.getByRole('row').count()).toBeGreaterThan(1);
    }
    expect(total).toBe(cluster.stats.data.users);
    await expect
      .poll(() => page.getByText(`of ${cluster.stats.data.users.toLocaleString('en-US')} users, sampled`).count())
      .toBe(1);

    const map = page.getByRole('img', { name: /Map of the personas/ });
    await map.locator('canvas').first().waitFor();
    expect(await map.getAttribute('aria-label')).toContain(
      `${cluster.stats.projection.sample.size.toLocaleString('en-US')} sampled users`,
    );
    const box = await map.boundingBox();
    expect(box?.width).toBeGreaterThan(600);
    expect(box?.height).toBeGreaterThan(300);

    // Highlighting a persona marks its card; a second click clears it.
    const first = page.getByRole('article', { name: cluster.stats.clusters[0]?.name, exact: true });
    const highlight = first.getByRole('button', { name: 'Highlight on the map' });
    await highlight.click();
    expect(await highlight.getAttribute('aria-pressed')).toBe('true');
    await highlight.click();
    expect(await highlight.getAttribute('aria-pressed')).toBe('false');
  });

  it('saves a persona as a segment with the cluster rule, sized as its card', async () => {
    const { cluster } = await dashboard.api<{ cluster: ClusterRun }>('/api/models');
    const persona = cluster.stats.clusters[cluster.stats.clusters.length - 1] as ClusterRun['stats']['clusters'][0];
    const page = await dashboard.goto('/personas');
    const card = page.getByRole('article', { name: persona.name, exact: true });
    await card.getByRole('button', { name: 'Save as segment…' }).click();
    const form = page.getByRole('region', { name: `Save “${persona.name}” as a segment` });
    await form.waitFor();
    // The suggested rule is offered with how well it matches the persona.
    if (persona.segment) expect(await form.locator('pre').textContent()).toBe(persona.segment.text);
    expect(await form.getByRole('radio', { name: /Exactly this persona/ }).isChecked()).toBe(true);
    const name = `Persona e2e ${persona.index}`;
    await form.getByLabel('Segment name').fill(name);
    await form.getByRole('button', { name: 'Save segment' }).click();
    const link = form.getByRole('link', { name: `Open the segment “${name}”` });
    await link.waitFor();
    const id = decodeURIComponent((await link.getAttribute('href'))?.replace('/segments/', '') ?? '');

    const saved = await dashboard.api<{ name: string; rule: unknown; text: string }>(
      `/api/segments/${encodeURIComponent(id)}`,
    );
    expect(saved.name).toBe(name);
    expect(saved.rule).toEqual({ type: 'trait', trait: 'cluster', op: '=', value: persona.name });
    const refreshed = await dashboard.api<{ size: number }>(`/api/segments/${encodeURIComponent(id)}/refresh`, {
      method: 'POST',
      body: '{}',
    });
    const cardSize = count(await card.locator('.persona-size strong').textContent());
    expect(refreshed.size).toBe(cardSize);

    expect(await link.getAttribute('href')).toBe(`/segments/${encodeURIComponent(id)}`);
    await dashboard.screenshot('personas');
  });

  it('offers to fit personas when there are none, and shows the fit in progress', async () => {
    const page = await dashboard.goto('/no-such-page');
    // This workspace has personas, so the answer "no model yet" is played by the browser until the fit is sent.
    let fitted = false;
    await page.route(
      (url) => url.pathname === '/api/models',
      (route) => (fitted ? route.fallback() : route.fulfill({ json: { clv: null, churn: null, cluster: null } })),
    );
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let body: unknown;
    await page.route('**/api/models/cluster', async (route) => {
      body = route.request().postDataJSON();
      await held;
      fitted = true;
      await route.fulfill({ json: { run: {}, segments: [] } });
    });
    await dashboard.goto('/personas');
    await page.getByText('No personas yet.').waitFor();
    await page.getByLabel('Number of personas').selectOption('4');
    await page.getByRole('button', { name: 'Fit personas' }).click();
    await page.getByRole('status').filter({ hasText: 'Fitting personas…' }).waitFor();
    expect(await page.getByRole('button', { name: 'Fit personas' }).isDisabled()).toBe(true);
    expect(body).toEqual({ k: 4 });
    release();
    // Once fitted, the page reads the models again and shows the personas, with a refit at hand.
    await page.getByRole('article').first().waitFor();
    await page.getByRole('button', { name: 'Refit' }).waitFor();
    expect(await page.getByText('No personas yet.').count()).toBe(0);
  });
});
