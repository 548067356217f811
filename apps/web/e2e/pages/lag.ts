import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class LagPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/lag${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Lag', level: 1 });
  groups = () => this.page.getByRole('region', { name: 'Consumer groups and queues', exact: true });
  groupLink = (group: string) => this.groups().getByRole('link', { name: group, exact: true });
  groupHeading = (group: string) => this.page.getByRole('heading', { name: group, level: 1 });
  messagesChart = () => this.page.getByRole('region', { name: 'Lag in messages', exact: true });
  secondsChart = () => this.page.getByRole('region', { name: 'Lag in seconds', exact: true });
}
