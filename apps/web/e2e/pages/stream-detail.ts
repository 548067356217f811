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
  breakdown = () => this.region('Breakdown against baseline');
  /** A breakdown dimension's button: Event type, Source, Routing key. */
  breakdownBy = (label: string) =>
    this.breakdown().getByRole('group', { name: 'Break down by' }).getByRole('button', { name: label, exact: true });
  /** One slice of the breakdown (its chart against its baseline). */
  slice = (key: string) => this.breakdown().getByRole('group', { name: key, exact: true });
  /** A chart's "Show as table" toggle, inside a panel or slice. */
  tableToggle = (within: ReturnType<Shell['region']>) => within.getByRole('button', { name: /^Show as table/ }).first();
}
