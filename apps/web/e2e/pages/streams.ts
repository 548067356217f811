import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class StreamsPage extends Shell {
  goto = (search = RANGE) => this.open(routes.streams(), search);

  heading = () => this.h1('Streams');
  table = () => this.region('Topics and exchanges');
  streamLink = (stream: string) => this.table().getByRole('link', { name: stream, exact: true });
  row = (stream: string) =>
    this.table()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: stream, exact: true }) });
  filter = () => this.page.getByRole('searchbox', { name: 'Filter streams' });
  sortBy = (column: string) => this.table().getByRole('button', { name: column });
  pager = () => this.page.getByRole('navigation', { name: 'streams pages' });
}
