import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

export class StreamsPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/streams${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Streams', level: 1 });
  table = () => this.page.getByRole('region', { name: 'Topics and exchanges', exact: true });
  streamLink = (stream: string) => this.table().getByRole('link', { name: stream, exact: true });
}
