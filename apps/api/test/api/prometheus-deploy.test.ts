// deploy/prometheus/: the scrape config and the recording/alert rules that use Rollcall's metrics are valid,
// and the rules' own unit tests (promtool test rules) pass.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../../deploy/prometheus/', import.meta.url));
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });

describe('deploy/prometheus', () => {
  it('has a valid scrape config and rule file', () => {
    const check = promtool('check', 'config', 'prometheus.yml');
    expect(check.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 1 rule files found');
  });

  it('passes the rules’ unit tests', () => {
    const test = promtool('test', 'rules', 'rollcall.rules.test.yml');
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
