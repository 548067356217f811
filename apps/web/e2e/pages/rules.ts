import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class RulesPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/rules${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Rules', level: 1 });
  table = () => this.page.getByRole('region', { name: 'Rules', exact: true });
  ruleLink = (id: string) => this.table().getByRole('link', { name: id, exact: true });
  sparkline = (id: string) => this.page.getByRole('img', { name: `${id}: value against threshold` });
}

export class RuleDetailPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(id: string, search = '?range=15m') {
    return this.page.goto(`${this.base}/rules/${encodeURIComponent(id)}${search}`);
  }

  heading = (id: string) => this.page.getByRole('heading', { name: id, level: 1 });
  evaluations = () => this.page.getByRole('region', { name: 'Value against threshold', exact: true });
  definition = () => this.page.getByRole('region', { name: 'Definition', exact: true });
  backtest = () => this.page.getByRole('region', { name: 'Backtest', exact: true });
  runBacktest = () => this.backtest().getByRole('button', { name: /Run/ });
  backtestChart = () => this.page.getByRole('img', { name: /^Backtest:/ });
}
