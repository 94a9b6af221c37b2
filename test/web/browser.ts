import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import type { DashboardTarget } from './global-setup.js';

/** The demo server started by `global-setup.ts`, or null when the browser tests are skipped. */
export const target: DashboardTarget | null = inject('dashboard');

/** The DuckDB run's screenshots are the ones the README shows; the chDB run's go beside them. */
const SCREENSHOTS = resolve(
  import.meta.dirname,
  target?.engine === 'chdb' ? '../../test-results/dashboard-chdb' : '../../test-results/dashboard',
);

export interface DashboardSession {
  /** Opens `path` (e.g. `/rfm`) in the test's page, signed in; the first call of a test creates the page. */
  readonly goto: (path: string) => Promise<Page>;
  /** The page of the current test; a fresh browser context (signed in) for each test. */
  readonly page: () => Page;
  /** `fetch` on the API with the admin key, to compare what the page shows with what the API answers. */
  readonly api: <T>(path: string, init?: RequestInit) => Promise<T>;
  /** Full-page screenshot under `test-results/dashboard/<name>.png`, for review. */
  readonly screenshot: (name: string) => Promise<void>;
  /**
   * The test provokes a refused request (`POST` of a bad form, say): the browser's console error for it is expected
   * rather than a failure, and the test fails if it does not happen.
   */
  readonly expectRefused: (path: string, status: number) => void;
}

/**
 * Opens Debian's Chromium for a test file and gives each test a signed-in page (1366 × 860, a laptop screen). Every
 * console error and uncaught page error fails the test that caused it.
 */
export function useDashboard(): DashboardSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  let refusals: { path: string; status: number }[] = [];

  beforeAll(async () => {
    if (!target) return;
    browser = await chromium.launch({
      executablePath: target.chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
    const seen = errors;
    const expected = refusals;
    errors = [];
    refusals = [];
    // Chromium reports a refused request as "… status of 422 (…) (<url>)"; each expected one takes one such error.
    const missing = expected.filter(({ path, status }) => {
      const at = seen.findIndex((e) => {
        const url = /\((\S+)\)$/.exec(e)?.[1];
        return (
          e.includes(`status of ${status} `) && url !== undefined && URL.canParse(url) && new URL(url).pathname === path
        );
      });
      if (at >= 0) seen.splice(at, 1);
      return at < 0;
    });
    expect(missing, 'refused requests the test expected').toEqual([]);
    expect(seen, 'console errors on the page').toEqual([]);
  });

  const open = async (): Promise<Page> => {
    if (!browser || !target) throw new Error('no browser: the test should be skipped when target is null');
    context = await browser.newContext({ viewport: { width: 1366, height: 860 }, acceptDownloads: true });
    // A string, not a function: the test code is compiled without the DOM's types.
    await context.addInitScript(
      `if (!localStorage.getItem('strata.adminKey')) localStorage.setItem('strata.adminKey', ${JSON.stringify(target.adminKey)});`,
    );
    const created = await context.newPage();
    created.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    created.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    page = created;
    return created;
  };

  return {
    goto: async (path: string) => {
      if (!target) throw new Error('no server: skip the test when target is null');
      const current = page ?? (await open());
      await current.goto(target.url + path);
      return current;
    },
    page: () => {
      if (!page) throw new Error('call goto() first');
      return page;
    },
    api: async <T>(path: string, init: RequestInit = {}) => {
      if (!target) throw new Error('no server: skip the test when target is null');
      const response = await fetch(target.url + path, {
        ...init,
        headers: { authorization: `Bearer ${target.adminKey}`, 'content-type': 'application/json', ...init.headers },
      });
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    expectRefused: (path: string, status: number) => {
      refusals.push({ path, status });
    },
    screenshot: async (name: string) => {
      if (!page) throw new Error('call goto() first');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}
