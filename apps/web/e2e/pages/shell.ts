// The frame around every page: navigation, time range, theme, sign-in; and what every page object shares.
import type { Locator, Page } from 'playwright-core';
import { screenshot } from '../browser.ts';

/** The range the tests open pages with: enough for the pilot's traffic, small enough to load fast. */
export const RANGE = '?range=15m';

/** Waits for a locator to be shown (30 s unless told). */
export const visible = (l: Locator, timeout = 30_000) => l.waitFor({ state: 'visible', timeout });

export class Shell {
  /** `base` is the server's URL; each page object builds its paths with the dashboard's own routes. */
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  protected open(path: string, search: string) {
    return this.page.goto(`${this.base}${path}${search}`);
  }

  protected h1 = (name: string) => this.page.getByRole('heading', { name, level: 1 });
  /** A panel by its title (panels are regions named by their heading). */
  protected region = (name: string) => this.page.getByRole('region', { name, exact: true });

  nav = (name: string) => this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  rangePicker = () => this.page.getByRole('combobox', { name: 'Time range' });
  refreshPicker = () => this.page.getByRole('combobox', { name: 'Auto-refresh' });
  themeToggle = () => this.page.getByRole('button', { name: /Switch to (dark|light) theme/ });
  signInDialog = () => this.page.getByRole('dialog', { name: 'Sign in' });

  async signIn(token: string) {
    const dialog = this.signInDialog();
    await dialog.waitFor();
    await dialog.getByLabel('API token').fill(token);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** Resolves when no panel is still loading (the charts' tooltips are role=status too, so the class tells). A minute:
   * a host loaded by the suite and the incident test beside it has taken more than 20 s to answer every panel. */
  async settled() {
    await this.page.waitForFunction(() => document.querySelectorAll('.state-loading').length === 0, undefined, {
      timeout: 60_000,
    });
  }

  /** A full-page screenshot to artifacts/<name>.png. */
  screenshot = (name: string) => screenshot(this.page, name);

  /** The screenshot once every panel has loaded. */
  async capture(name: string) {
    await this.settled();
    await this.screenshot(name);
  }
}
