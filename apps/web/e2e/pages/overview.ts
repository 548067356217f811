import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class OverviewPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Overview', level: 1 });
  throughput = () => this.page.getByRole('region', { name: 'Messages per second by broker', exact: true });
  activeAlerts = () => this.page.getByRole('region', { name: 'Active alerts', exact: true });
  drops = () => this.page.getByRole('region', { name: 'Largest drops against baseline', exact: true });
  worstLag = () => this.page.getByRole('region', { name: 'Worst lag', exact: true });
  demo = () => this.page.getByRole('group', { name: 'Demo incident' });
  reproduceIncident = () => this.demo().getByRole('button', { name: 'Reproduce the incident' });
  endIncident = () => this.demo().getByRole('button', { name: 'End the incident' });
  alertLink = (ruleId: string) => this.activeAlerts().getByRole('link', { name: ruleId, exact: true });
  /** Lines drawn in the throughput chart, one per broker. */
  chartLines = () => this.throughput().locator('.recharts-area-curve');
}
