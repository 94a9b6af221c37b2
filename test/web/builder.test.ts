import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

/**
 * The segment builder against the demo server: conditions picked from the catalog, the live count and the text
 * form checked against what the API answers for the same rule, errors on the field that caused them, save, edit and
 * the version history.
 */

interface Translated {
  readonly valid: boolean;
  readonly rule: unknown;
  readonly text: string;
}

/** Waits for what the page shows after debounced requests; generous, since the machine may be busy. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

const group = (page: Page, name: string): Locator => page.getByRole('group', { name, exact: true });

/** The number the live count shows once it is current (not counting, not waiting for a check). */
async function shownCount(page: Page): Promise<number | null> {
  const card = page.getByRole('region', { name: 'Live count' });
  if ((await card.getAttribute('aria-busy')) === 'true') return null;
  const digits = (await card.locator('.value').textContent())?.replace(/[^\d]/g, '') ?? '';
  return digits === '' ? null : Number(digits);
}

/** The message an input's `aria-describedby` points at. */
async function errorOf(page: Page, input: Locator): Promise<string | null> {
  if ((await input.getAttribute('aria-invalid')) !== 'true') return null;
  const id = await input.getAttribute('aria-describedby');
  return id ? page.locator(`[id="${id}"]`).textContent() : null;
}

describe.skipIf(!target)('the segment builder', () => {
  const dashboard = useDashboard();
  const translate = (body: unknown) =>
    dashboard.api<Translated>('/api/segments/translate', { method: 'POST', body: JSON.stringify(body) });
  const preview = async (rule: unknown) =>
    (
      await dashboard.api<{ count: number }>('/api/segments/preview', {
        method: 'POST',
        body: JSON.stringify({ rule }),
      })
    ).count;

  it('builds, checks, saves and edits a segment with the tree and the text form in step', async () => {
    const page = await dashboard.goto('/segments/new');
    await page.getByRole('heading', { name: 'New segment' }).waitFor();

    // An event from the catalog, with a count and a window.
    await page.getByRole('button', { name: 'Add a condition to Conditions' }).click();
    const first = group(page, 'Condition 1');
    await first.getByLabel('Event').selectOption('Order Completed');
    await first.getByLabel('How often').selectOption('>=');
    await first.getByLabel('Times').fill('2');
    await first.getByLabel('When').selectOption('last');
    await first.getByLabel('In the last', { exact: true }).fill('90');

    // An OR group of two trait conditions.
    await page.getByRole('button', { name: 'Add a group to Conditions' }).click();
    const either = group(page, 'Condition 2');
    expect(await either.getByLabel('Match').first().inputValue()).toBe('or');
    const plan = group(page, 'Condition 2.1');
    await plan.getByLabel('Condition', { exact: true }).selectOption('trait');
    await plan.getByLabel('Trait').fill('plan');
    await plan.getByLabel('Operator').selectOption('=');
    await plan.getByLabel('Value').fill('pro');
    await either.getByRole('button', { name: 'Add a condition to Condition 2', exact: true }).click();
    const country = group(page, 'Condition 2.2');
    await country.getByLabel('Condition', { exact: true }).selectOption('trait');
    await country.getByLabel('Trait').fill('country');
    await country.getByLabel('Operator').selectOption('in');
    await country.getByLabel('Values (comma-separated)').fill('Sweden, Italy');

    const built = {
      type: 'and',
      rules: [
        { type: 'event', event: 'Order Completed', count: { op: '>=', value: 2 }, window: { last: '90d' } },
        {
          type: 'or',
          rules: [
            { type: 'trait', trait: 'plan', op: '=', value: 'pro' },
            { type: 'trait', trait: 'country', op: 'in', value: ['Sweden', 'Italy'] },
          ],
        },
      ],
    };
    const canonical = await translate({ rule: built });
    expect(canonical.valid).toBe(true);
    const textPane = page.getByLabel('Rule as text');
    await eventually(() => textPane.inputValue()).toBe(canonical.text);
    const expected = await preview(built);
    await eventually(() => shownCount(page)).toBe(expected);

    // Typing in the text pane rebuilds the tree once the text is valid.
    const typed = canonical.text.replace('>= 2 times', '>= 3 times').concat('\nand not in segment "Champions"');
    await textPane.fill(typed);
    await eventually(() => first.getByLabel('Times').inputValue()).toBe('3');
    await eventually(() => group(page, 'Condition 3').getByLabel('Segment').inputValue()).toBe('Champions');
    const edited = await translate({ text: typed });
    await eventually(() => shownCount(page)).toBe(await preview(edited.rule));

    // Text that does not parse is reported at its line and column; the tree stays as it was.
    await textPane.fill('plan = ');
    await eventually(() => errorOf(page, textPane)).toMatch(/at 1:8/);
    expect(await first.getByLabel('Times').inputValue()).toBe('3');
    await textPane.fill(typed);
    await eventually(() => errorOf(page, textPane)).toBeNull();

    // A bad value is reported on its field, and there is no count until it is fixed.
    const times = first.getByLabel('Times');
    await times.fill('-1');
    await eventually(() => errorOf(page, times)).toMatch(/>=\s?0/);
    await eventually(() =>
      page.getByRole('region', { name: 'Live count' }).getByRole('status').textContent(),
    ).toContain('Fix the highlighted fields');
    await times.fill('3');
    await eventually(() => errorOf(page, times)).toBeNull();
    await eventually(() => shownCount(page)).toBe(await preview(edited.rule));

    // Save, and land on the segment's page with the rule stored as built.
    const name = `Builder e2e ${Date.now()}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Save segment' }).click();
    await eventually(() => new URL(page.url()).pathname).toMatch(/^\/segments\/seg_[0-9a-f]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    try {
      const saved = await dashboard.api<{ name: string; rule: unknown; version: number }>(`/api/segments/${id}`);
      expect(saved).toMatchObject({ name, rule: edited.rule, version: 1 });

      // Edit: change the count, update, and find both versions in the history; restore the first.
      await dashboard.goto(`/segments/${id}/edit`);
      await page.getByRole('heading', { name: `Edit “${name}”` }).waitFor();
      await eventually(() => group(page, 'Condition 1').getByLabel('Times').inputValue()).toBe('3');
      await group(page, 'Condition 1').getByLabel('Times').fill('4');
      await eventually(() => textPane.inputValue()).toContain('>= 4 times');
      await page.getByRole('button', { name: 'Update segment' }).click();
      await eventually(() => new URL(page.url()).pathname).toBe(`/segments/${id}`);
      const updated = await dashboard.api<{ version: number; text: string }>(`/api/segments/${id}`);
      expect(updated.version).toBe(2);
      expect(updated.text).toContain('>= 4 times');

      await dashboard.goto(`/segments/${id}/edit`);
      const history = page.getByRole('region', { name: 'Version history' });
      await history.getByRole('button', { name: 'View version 1' }).click();
      await eventually(() => history.locator('pre').textContent()).toBe(edited.text);
      await history.getByRole('button', { name: 'Restore version 1 into the editor' }).click();
      await eventually(() => group(page, 'Condition 1').getByLabel('Times').inputValue()).toBe('3');
      await eventually(() => textPane.inputValue()).toBe(edited.text);
      await eventually(() => shownCount(page)).toBe(await preview(edited.rule));
      await dashboard.screenshot('builder');
    } finally {
      await dashboard.api(`/api/segments/${id}`, { method: 'DELETE' });
    }
  });
});
