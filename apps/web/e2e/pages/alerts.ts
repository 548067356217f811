import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class AlertsPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/alerts${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Alerts', level: 1 });
  active = () => this.page.getByRole('region', { name: 'Firing and pending', exact: true });
  history = () => this.page.getByRole('region', { name: 'History', exact: true });
  silences = () => this.page.getByRole('region', { name: 'Silences', exact: true });
  row = (ruleId: string) => this.active().getByRole('row').filter({ has: this.page.getByRole('link', { name: ruleId, exact: true }) });
  ackButton = (ruleId: string) => this.row(ruleId).getByRole('button', { name: 'Acknowledge' });
  ackDialog = (ruleId: string) => this.page.getByRole('dialog', { name: `Acknowledge ${ruleId}` });

  async acknowledge(ruleId: string, comment: string) {
    await this.ackButton(ruleId).click();
    const dialog = this.ackDialog(ruleId);
    await dialog.getByLabel('Comment').fill(comment);
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}
