import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class BenchPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '') {
    return this.page.goto(`${this.base}/bench${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Bench', level: 1 });
  runs = () => this.page.getByRole('region', { name: 'Runs', exact: true });
  runRows = () => this.runs().locator('tbody tr');
  throughput = () => this.page.getByRole('region', { name: 'Throughput over time', exact: true });
  percentiles = () => this.page.getByRole('region', { name: 'Latency percentiles', exact: true });
  comparison = () => this.page.getByRole('region', { name: 'Against the baseline', exact: true });
}
