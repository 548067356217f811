// Debian's Chromium driven by playwright-core: one browser per test file, a context per role.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS } from './paths.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Chromium may still be arriving from apt when the tests start: wait for it, checking every 30 s. */
async function waitForChromium(timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > deadline) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    await new Promise((r) => setTimeout(r, 30_000));
  }
}

export async function launchBrowser(): Promise<Browser> {
  await waitForChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen by this page. */
  errors: string[];
}

/** A fresh context; with `token` the dashboard starts signed in (the token is what the sign-in dialog stores). */
export async function openSession(
  browser: Browser,
  {
    token,
    viewport = DESKTOP,
    colorScheme = 'light',
  }: { token?: string; viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<Session> {
  const context = await browser.newContext({ viewport, colorScheme, timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  if (token) await context.addInitScript((t) => localStorage.setItem('rollcall.token', t), token);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { context, page, errors };
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
