import type { Page } from 'playwright-core';
import { Shell } from './shell.ts';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class FlowMapPage extends Shell {
  constructor(page: Page, readonly base: string) {
    super(page);
  }

  goto(search = '?range=15m') {
    return this.page.goto(`${this.base}/flows${search}`);
  }

  heading = () => this.page.getByRole('heading', { name: 'Flows', level: 1 });
  /** A node by its label and one of the kinds it may have; React Flow names each node "<kind> <label>". */
  node = (label: string, kinds: string[]) => this.page.getByRole('group', { name: new RegExp(`^(${kinds.join('|')}) ${escapeRegex(label)}$`) });
  focusInput = () => this.page.getByRole('searchbox', { name: 'Focus on nodes' });
  showIdle = () => this.page.getByRole('checkbox', { name: 'Show idle' });
  edges = () => this.page.locator('.react-flow__edge');
  detail = (label: string) => this.page.getByRole('complementary', { name: `Details of ${label}` });
}
