import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class AlertsPage extends Shell {
  goto = (search = RANGE) => this.open(routes.alerts(), search);

  heading = () => this.h1('Alerts');
  active = () => this.region('Firing and pending');
  history = () => this.region('History');
  silences = () => this.region('Silences');
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
