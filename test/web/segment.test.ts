import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

interface Segment {
  readonly id: string;
  readonly name: string;
  readonly size: number | null;
}

interface Insight {
  readonly distinguishing: { readonly traits: readonly { key: string; value: unknown }[] };
}

interface Sizes {
  readonly days: readonly { day: string; size: number }[];
}

interface Members {
  readonly total: number;
  readonly userIds: readonly string[];
}

interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly segment_ids: readonly string[];
}

const HOOK_URL = 'http://127.0.0.1:9/hook';
const integer = (n: number) => n.toLocaleString('en-US');

describe.skipIf(!target)('the segment page', () => {
  const dashboard = useDashboard();

  const segmentNamed = async (name: string): Promise<Segment> => {
    const found = (await dashboard.api<Segment[]>('/api/segments')).find((s) => s.name === name);
    if (!found) throw new Error(`the demo has no segment "${name}"`);
    return found;
  };
  const base = (segment: Segment) => `/api/segments/${encodeURIComponent(segment.id)}`;

  /** The user ids listed on the members tab, in order. */
  const listedMembers = (page: Page) =>
    page
      .getByRole('region', { name: 'Members' })
      .getByRole('button', { name: /^Explain / })
      .allTextContents();

  it('shows the header and the insight of a starter segment, sizes as the API says', async () => {
    const segment = await segmentNamed('NPS detractors');
    const insight = await dashboard.api<Insight>(`${base(segment)}/insight?days=90`);
    const page = await dashboard.goto(`/segments/${segment.id}`);

    await page.getByRole('heading', { level: 1, name: 'NPS detractors' }).waitFor();
    expect(await page.getByTestId('segment-size').textContent()).toBe(integer(segment.size ?? 0));
    await expect.poll(() => page.getByRole('region', { name: 'Rule' }).textContent()).toContain('Survey Responded');
    expect(await page.getByText('live', { exact: true }).count()).toBe(1);

    const apart = page.getByRole('region', { name: 'What sets it apart' });
    const traitRows = apart.getByRole('table').first().locator('tbody tr');
    await traitRows.first().waitFor();
    expect(await traitRows.count()).toBe(insight.distinguishing.traits.length);
    const first = insight.distinguishing.traits[0];
    expect(await traitRows.first().getByRole('rowheader').textContent()).toBe(first?.key);
    expect(await traitRows.first().getByRole('cell').first().textContent()).toBe(String(first?.value));
    await expect.poll(() => traitRows.first().textContent()).toMatch(/×/);
    await page.getByRole('img', { name: /^Retention by week/ }).waitFor();
    await dashboard.screenshot('segment');
  });

  it('draws the size over time, with the range in the URL and the last day as the API answers', async () => {
    const segment = await segmentNamed('NPS detractors');
    const page = await dashboard.goto(`/segments/${segment.id}`);
    // Keyboard: the tab list takes arrow keys.
    await page.getByRole('tab', { name: 'Insight' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('sizes');
    expect(await page.getByRole('tab', { name: 'Size over time' }).getAttribute('aria-selected')).toBe('true');

    const chart = page.getByRole('img', { name: /^Size per day from/ });
    await chart.waitFor();
    expect((await chart.boundingBox())?.height).toBeGreaterThan(200);

    await page.getByRole('radio', { name: '365 days' }).check();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('365');
    const from = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
    const sizes = await dashboard.api<Sizes>(`${base(segment)}/sizes?from=${from}`);
    const last = sizes.days.at(-1);
    await expect
      .poll(() => page.getByRole('tabpanel').locator('p').first().textContent())
      .toContain(`${integer(last?.size ?? -1)} on ${last?.day}`);
    await page.getByText(/^Days with entries or exits/).click();
    expect(await page.getByRole('tabpanel').locator('tbody tr').count()).toBeGreaterThan(0);
  });

  it('pages through the members, searches them and explains one', async () => {
    const segment = await segmentNamed('NPS detractors');
    const firstPage = await dashboard.api<Members>(`${base(segment)}/members?limit=20&offset=0`);
    const secondPage = await dashboard.api<Members>(`${base(segment)}/members?limit=20&offset=20`);
    expect(firstPage.total).toBeGreaterThan(20);
    const page = await dashboard.goto(`/segments/${segment.id}?tab=members`);

    await expect.poll(() => listedMembers(page)).toEqual(firstPage.userIds);
    await page.getByRole('navigation', { name: 'Member pages' }).getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => listedMembers(page)).toEqual(secondPage.userIds);
    expect(secondPage.userIds).not.toEqual(firstPage.userIds);
    expect(new URL(page.url()).searchParams.get('offset')).toBe('20');
    expect(await page.getByRole('navigation', { name: 'Member pages' }).textContent()).toContain(
      `21–40 of ${integer(firstPage.total)}`,
    );

    // Search: a piece of one member's id, debounced into the URL, answers what the API answers.
    const wanted = secondPage.userIds[3] ?? '';
    const piece = wanted.slice(-4);
    const found = await dashboard.api<Members>(`${base(segment)}/members?limit=20&search=${piece}`);
    await page.getByLabel('Search user ids').fill(piece);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(piece);
    expect(new URL(page.url()).searchParams.get('offset')).toBeNull();
    await expect.poll(() => listedMembers(page)).toEqual(found.userIds);
    expect(found.userIds).toContain(wanted);

    await page.getByRole('button', { name: `Explain ${wanted}` }).click();
    const detail = page.getByRole('region', { name: `User ${wanted}` });
    await expect.poll(() => detail.getByRole('status').first().textContent()).toContain('member');
    expect(await detail.getByRole('status').first().textContent()).not.toContain('not a member');
    const tree = detail.getByRole('list', { name: 'Rule evaluation' });
    await expect.poll(() => tree.textContent()).toContain('✓ true');
    expect(await tree.textContent()).toContain('Survey Responded');
    // The profile peek shows the user's traits.
    await detail.getByRole('term').first().waitFor();
    expect(await detail.getByRole('term').allTextContents()).toContain('first seen');
    expect(new URL(page.url()).searchParams.get('user')).toBe(wanted);
  });

  it('shows the enter/exit feed and links a change to its explanation', async () => {
    const segment = await segmentNamed('NPS detractors');
    const page = await dashboard.goto(`/segments/${segment.id}?tab=changes&since=all`);
    const api = await dashboard.api<{ changes: { user_id: string; change: string }[]; next_before: number | null }>(
      `${base(segment)}/changes?order=newest&limit=50`,
    );
    const rows = page.getByRole('tabpanel').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(api.changes.length);
    // Newest first, as the API answers.
    expect(await rows.first().textContent()).toContain(api.changes[0]?.user_id);
    if (api.next_before !== null) {
      await page.getByRole('button', { name: 'Load older' }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(api.changes.length);
    }
    await rows.first().getByRole('link').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('user')).toBe(api.changes[0]?.user_id);
    expect(await page.getByRole('tab', { name: 'Members' }).getAttribute('aria-selected')).toBe('true');
  });

  it('exports the members as CSV and JSON Lines, one line per member', async () => {
    const segment = await segmentNamed('NPS detractors');
    const page = await dashboard.goto(`/segments/${segment.id}?tab=export`);
    const size = (await segmentNamed('NPS detractors')).size ?? -1;

    const lines = async (button: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: button }).click(),
      ]);
      const text = readFileSync(await download.path(), 'utf8');
      return { name: download.suggestedFilename(), lines: text.split('\n').filter((line) => line !== '') };
    };
    const csv = await lines('Download CSV');
    expect(csv.name).toBe('NPS-detractors.csv');
    expect(csv.lines[0]).toBe('user_id');
    expect(csv.lines.length).toBe(size + 1);
    const jsonl = await lines('Download JSON Lines');
    expect(jsonl.name).toBe('NPS-detractors.jsonl');
    expect(jsonl.lines.length).toBe(size);
    expect(JSON.parse(jsonl.lines[0] ?? '{}')).toHaveProperty('user_id');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved NPS-detractors.jsonl');
  });

  it('creates a webhook for the segment, shows its secret once and its delivery status, pauses and deletes it', async () => {
    const segment = await segmentNamed('Champions');
    const page = await dashboard.goto(`/segments/${segment.id}?tab=webhooks`);
    const listed = page.getByRole('region', { name: 'Webhooks sending this segment' });
    await listed.getByText('No webhook sends this segment yet.').waitFor();

    // A secret the API refuses is shown on its field, and nothing is created.
    await page.getByLabel('Receiver URL').fill(HOOK_URL);
    const secretField = page.getByLabel('Secret (optional, 16+ characters)');
    await secretField.fill('too short');
    dashboard.expectRefused('/api/webhooks', 400);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const fieldError = page.locator('#webhook-secret-error');
    await expect.poll(() => fieldError.textContent()).toMatch(/16/);
    expect(await secretField.getAttribute('aria-invalid')).toBe('true');
    expect(await secretField.getAttribute('aria-describedby')).toBe('webhook-secret-error');
    expect(await listed.getByText('No webhook sends this segment yet.').count()).toBe(1);

    await secretField.fill('');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = await page.getByTestId('webhook-secret').textContent();
    expect(secret?.length).toBeGreaterThanOrEqual(16);

    const row = listed.locator('tbody tr').filter({ hasText: HOOK_URL });
    await row.waitFor();
    const created = (await dashboard.api<Webhook[]>('/api/webhooks')).find(
      (w) => w.url === HOOK_URL && w.segment_ids.includes(segment.id),
    );
    expect(created).toBeDefined();
    expect(await row.textContent()).toContain(created?.id);
    // Nothing listens on port 9: the list, read again while the tab is open, says so.
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('failing');

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.textContent()).toContain('paused');
    await row.getByRole('button', { name: 'Resume' }).waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await listed.getByText('No webhook sends this segment yet.').waitFor();
    expect((await dashboard.api<Webhook[]>('/api/webhooks')).some((w) => w.id === created?.id)).toBe(false);
  });

  it('refreshes, and deletes a segment only after a confirmation', async () => {
    const created = await dashboard.api<Segment>('/api/segments', {
      method: 'POST',
      body: JSON.stringify({
        name: 'E2E segment page throwaway',
        rule: { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
      }),
    });
    const page = await dashboard.goto(`/segments/${created.id}`);
    await page.getByRole('heading', { level: 1, name: 'E2E segment page throwaway' }).waitFor();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByText(/^Refreshed:/).textContent()).toMatch(/members/);
    const refreshed = (await dashboard.api<Segment[]>('/api/segments')).find((s) => s.id === created.id);
    await expect.poll(() => page.getByTestId('segment-size').textContent()).toBe(integer(refreshed?.size ?? -1));

    await page.getByRole('button', { name: 'Delete' }).click();
    const question = page.getByRole('alertdialog', { name: 'Confirm deletion' });
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect((await dashboard.api<Segment[]>('/api/segments')).some((s) => s.id === created.id)).toBe(true);

    await page.getByRole('button', { name: 'Delete' }).click();
    await question.getByRole('button', { name: 'Yes, delete it' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect((await dashboard.api<Segment[]>('/api/segments')).some((s) => s.id === created.id)).toBe(false);
  });

  it('shows a way back for a segment that does not exist, without a failing request', async () => {
    const page = await dashboard.goto('/segments/seg_does_not_exist');
    await page.getByText('There is no segment “seg_does_not_exist”.').waitFor();
    await page.getByRole('link', { name: 'Back to the overview' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
  });
});
