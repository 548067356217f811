import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class RulesPage extends Shell {
  goto = (search = RANGE) => this.open(routes.rules(), search);

  heading = () => this.h1('Rules');
  table = () => this.region('Rules');
  ruleLink = (id: string) => this.table().getByRole('link', { name: id, exact: true });
  sparkline = (id: string) => this.page.getByRole('img', { name: `${id}: value against threshold` });
}

export class RuleDetailPage extends Shell {
  goto = (id: string, search = RANGE) => this.open(routes.rule(id), search);

  heading = (id: string) => this.h1(id);
  /** The rule's windows against its band or threshold, with its alerts' spans shaded. */
  evaluations = () => this.region('Observed against expected');
  definition = () => this.region('Definition');
  backtest = () => this.region('Backtest');
  runBacktest = () => this.backtest().getByRole('button', { name: /Run/ });
  backtestChart = () => this.page.getByRole('img', { name: /^Backtest:/ });
  backtestProgress = () => this.backtest().getByRole('progressbar', { name: 'Backtest progress' });
  cancelBacktest = () => this.backtest().getByRole('button', { name: 'Cancel' });
}
