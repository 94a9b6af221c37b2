import { describe, expect, it } from 'vitest';
import { target, useDashboard } from './browser.js';

describe.skipIf(!target)('the dashboard shell', () => {
  const dashboard = useDashboard();

  it('signs in from the link the demo prints, and removes the key from the address bar', async () => {
    const page = await dashboard.goto(`/#key=${target?.adminKey}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate("localStorage.getItem('strata.adminKey')")).toBe(target?.adminKey);
  });

  it('asks for a key after signing out, and refuses a wrong one in words', async () => {
    const page = await dashboard.goto('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin key').fill('stk_admin_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not an active admin key');
  });

  it('answers a deep link with the app, and an unknown page with a way back', async () => {
    const page = await dashboard.goto('/no/such/page');
    await page.getByText('There is no page here.').waitFor();
    await page.getByRole('link', { name: 'Back to the overview' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
  });
});
