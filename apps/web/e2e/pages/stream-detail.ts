import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class StreamDetailPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(broker: string, stream: string, search = '?range=15m') {
    return this.page.goto(`${this.base}/streams/${encodeURIComponent(broker)}/${encodeURIComponent(stream)}${search}`);
  }

  heading = (stream: string) => this.page.getByRole('heading', { name: stream, level: 1 });
  region = (name: string) => this.page.getByRole('region', { name, exact: true });
  rate = () => this.region('Messages per second by event type');
  eventTypes = () => this.region('Event types');
  sources = () => this.region('Sources');
  rules = () => this.region('Rules watching this stream');
  schemas = () => this.region('Schema fingerprints over time');
  recent = () => this.region('Recent messages (metadata only)');
}
