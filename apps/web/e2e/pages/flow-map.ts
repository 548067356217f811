import type { Locator } from 'playwright-core';
import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class FlowMapPage extends Shell {
  goto = (search = RANGE) => this.open(routes.flows(), search);

  heading = () => this.h1('Flows');
  /** A node by its label and one of the kinds it may have; React Flow names each node "<kind> <label>". */
  node = (label: string, kinds: string[]) =>
    this.page.getByRole('group', { name: new RegExp(`^(${kinds.join('|')}) ${escapeRegex(label)}$`) });
  /** The drawn box of a node (it carries the state-<alert state> class). */
  nodeBox = (label: string, kinds: string[]) => this.node(label, kinds).locator('.flow-node');
  canvas = () => this.page.getByLabel('Flow map', { exact: true });
  focusInput = () => this.page.getByRole('searchbox', { name: 'Focus on nodes' });
  showIdle = () => this.page.getByRole('checkbox', { name: 'Show idle' });
  edges = () => this.page.locator('.react-flow__edge');
  detail = (label: string) => this.page.getByRole('complementary', { name: `Details of ${label}` });
  /** The line stating the basis of the rates and the range. */
  basis = () => this.page.getByText(/^msg\/s: publishes and deliveries per second over the last complete minutes/);
  /** The list of paths (the phone's view). */
  pathList = () => this.page.getByRole('list', { name: 'Flow paths' });
  paths = () => this.pathList().getByRole('listitem');
  path = (stream: string) =>
    this.pathList().getByRole('listitem', { name: new RegExp(`path through ${escapeRegex(stream)}$`) });

  /** The smallest on-screen font size (px) of the node labels inside the canvas's visible area: the CSS size
   * times the zoom, read from the label's rendered box against its layout box. */
  async smallestLabelPx(): Promise<{ px: number; labels: number }> {
    return this.page.evaluate(() => {
      const canvas = document.querySelector('.flow-canvas')?.getBoundingClientRect();
      let px = Infinity;
      let labels = 0;
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('.react-flow__node .flow-node-label'))) {
        const r = el.getBoundingClientRect();
        if (
          !canvas ||
          r.right < canvas.left ||
          r.left > canvas.right ||
          r.bottom < canvas.top ||
          r.top > canvas.bottom ||
          el.offsetHeight === 0
        )
          continue;
        labels++;
        px = Math.min(px, parseFloat(getComputedStyle(el).fontSize) * (r.height / el.offsetHeight));
      }
      return { px, labels };
    });
  }

  /** Whether a locator's box lies wholly inside the canvas's visible area. */
  async inView(l: Locator): Promise<boolean> {
    const [box, canvas] = await Promise.all([l.boundingBox(), this.canvas().boundingBox()]);
    if (!box || !canvas) return false;
    return (
      box.x >= canvas.x &&
      box.y >= canvas.y &&
      box.x + box.width <= canvas.x + canvas.width &&
      box.y + box.height <= canvas.y + canvas.height
    );
  }
}
