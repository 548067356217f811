import { routes } from '../../src/routes.ts';
import { RANGE, Shell } from './shell.ts';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class FlowMapPage extends Shell {
  goto = (search = RANGE) => this.open(routes.flows(), search);

  heading = () => this.h1('Flows');
  /** A node by its label and one of the kinds it may have; React Flow names each node "<kind> <label>". */
  node = (label: string, kinds: string[]) => this.page.getByRole('group', { name: new RegExp(`^(${kinds.join('|')}) ${escapeRegex(label)}$`) });
  focusInput = () => this.page.getByRole('searchbox', { name: 'Focus on nodes' });
  showIdle = () => this.page.getByRole('checkbox', { name: 'Show idle' });
  edges = () => this.page.locator('.react-flow__edge');
  detail = (label: string) => this.page.getByRole('complementary', { name: `Details of ${label}` });
}
