import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class LagPage extends Shell {
  goto = (search = RANGE) => this.open(routes.lag(), search);

  heading = () => this.h1('Lag');
  groups = () => this.region('Consumer groups and queues');
  groupLink = (group: string) => this.groups().getByRole('link', { name: group, exact: true });
  row = (group: string) =>
    this.groups()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: group, exact: true }) });
  statusFilter = (status: string) =>
    this.page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: new RegExp(`^${status} `) });
  groupHeading = (group: string) => this.h1(group);
  messagesChart = () => this.region('Lag in messages');
  secondsChart = () => this.region('Lag in seconds');
}
