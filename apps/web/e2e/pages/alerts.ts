import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class AlertsPage extends Shell {
  goto = (search = RANGE) => this.open(routes.alerts(), search);

  heading = () => this.h1('Alerts');
  active = () => this.region('Firing and pending');
  history = () => this.region('History');
  silences = () => this.region('Silences');
  row = (ruleId: string) =>
    this.active()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: ruleId, exact: true }) });
  ackButton = (ruleId: string) => this.row(ruleId).getByRole('button', { name: 'Acknowledge' });
  ackDialog = (ruleId: string) => this.page.getByRole('dialog', { name: `Acknowledge ${ruleId}` });

  lastConfirmed = (ruleId: string) => this.row(ruleId).getByRole('cell').filter({ hasText: / ago$/ });

  async acknowledge(ruleId: string, comment: string) {
    await this.ackButton(ruleId).click();
    const dialog = this.ackDialog(ruleId);
    await dialog.getByLabel('Comment').fill(comment);
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}

export class AlertDetailPage extends Shell {
  goto = (fingerprint: string, search = RANGE) => this.open(routes.alert(fingerprint), search);

  heading = (ruleId: string) => this.h1(ruleId);
  summary = () => this.region('Summary');
  /** The value of one entry of the rule's evidence, by its label. */
  evidence = (label: string) =>
    this.summary()
      .locator('dt')
      .filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .locator('xpath=following-sibling::dd[1]');
  /** The alert's windows against what was expected, its spans shaded. */
  evaluations = () => this.region('Observed against expected');
  chart = () => this.evaluations().getByRole('img', { name: /observed against expected per window/ });
  legend = () => this.evaluations().locator('.chart-legend');
  spans = (state: 'pending' | 'firing' | 'resolved') => this.evaluations().locator(`.span-${state}`);
  band = () => this.evaluations().locator('.recharts-area-area');
  tableToggle = () => this.evaluations().getByRole('button', { name: /Show (as table|chart)/ });
  windowRows = () => this.evaluations().getByRole('row');
}
