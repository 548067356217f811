// The frame around every page: navigation, time range, theme, sign-in.
import type { Page } from 'playwright-core';

export class Shell {
  constructor(readonly page: Page) {}

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

  /** Resolves when no panel is still loading (the charts' tooltips are role=status too, so the class tells). */
  async settled() {
    await this.page.waitForFunction(() => document.querySelectorAll('.state-loading').length === 0, undefined, { timeout: 20_000 });
  }
}
