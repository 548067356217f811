import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

export class StreamDetailPage extends Shell {
  goto = (broker: string, stream: string, search = RANGE) => this.open(routes.stream(broker, stream), search);

  heading = (stream: string) => this.h1(stream);
  rate = () => this.region('Messages per second by event type');
  eventTypes = () => this.region('Event types');
  sources = () => this.region('Sources');
  rules = () => this.region('Rules watching this stream');
  schemas = () => this.region('Schema fingerprints over time');
  recent = () => this.region('Recent messages (metadata only)');
}
