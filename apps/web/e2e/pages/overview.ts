import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class OverviewPage extends Shell {
  goto = (search = RANGE) => this.open(routes.overview(), search);

  heading = () => this.h1('Overview');
  throughput = () => this.region('Messages per second by broker');
  activeAlerts = () => this.region('Active alerts');
  drops = () => this.region('Largest drops against baseline');
  worstLag = () => this.region('Worst lag');
  demo = () => this.page.getByRole('group', { name: 'Demo incident' });
  reproduceIncident = () => this.demo().getByRole('button', { name: 'Reproduce the incident' });
  endIncident = () => this.demo().getByRole('button', { name: 'End the incident' });
  alertLink = (ruleId: string) => this.activeAlerts().getByRole('link', { name: ruleId, exact: true });
  /** The strip of one firing or pending alert: its state, the problem in words, a sparkline. */
  alertStrip = (ruleId: string) =>
    this.activeAlerts()
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('link', { name: ruleId, exact: true }) });
  alertsTile = () => this.page.locator('.tile').filter({ hasText: 'Alerts' });
  /** Lines drawn in the throughput chart, one per broker. */
  chartLines = () => this.throughput().locator('.recharts-area-curve');
}
