import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class StreamsPage extends Shell {
  goto = (search = RANGE) => this.open(routes.streams(), search);

  heading = () => this.h1('Streams');
  table = () => this.region('Topics and exchanges');
  streamLink = (stream: string) => this.table().getByRole('link', { name: stream, exact: true });
}
