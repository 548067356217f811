import { routes } from '../../src/routes.ts';
import { Shell } from './shell.ts';

export class BenchPage extends Shell {
  goto = (search = '') => this.open(routes.bench(), search);

  heading = () => this.h1('Bench');
  runs = () => this.region('Runs');
  runRows = () => this.runs().locator('tbody tr');
  runLink = () => this.runs().getByRole('link').first();
  throughput = () => this.region('Throughput over time');
  percentiles = () => this.region('Latency percentiles');
  comparison = () => this.region('Against the baseline');
}
