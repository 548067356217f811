// The detection benchmark end to end, short: 100 simulated minutes with one full stop, the freshness rule only,
// through the CLI, over a real embedded store. The report has its shape and the stop is caught within target.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { tempDir } from '@rollcall/core/testing/brokers';
import { runBenchCli } from '../cli.ts';
import type { DetectionResult } from './run.ts';

describe('rollcall bench detection', () => {
  it(
    'detects a full stop within a minute, raises nothing else, and writes its report',
    { timeout: 60_000 },
    async () => {
      const results = tempDir('rollcall-detection-results');
      const out: string[] = [];
      const err: string[] = [];
      const argv = [
        'detection',
        '--days',
        '0.07',
        '--faults',
        'full-stop',
        '--rules',
        'ledger-fresh',
        '--history-weeks',
        '0',
        '--start',
        '2026-12-07T00:00:00Z',
        '--results',
        results,
        '--json',
      ];
      const code = await runBenchCli(argv, {
        env: {},
        log: silentLogger,
        resultsDir: results,
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      });
      expect(code, err.join('\n')).toBe(0);

      const printed = JSON.parse(out.join('\n')) as DetectionResult;
      const stored = JSON.parse(readFileSync(join(results, 'detection.json'), 'utf8')) as DetectionResult;
      expect(stored.score).toEqual(printed.score);
      const [stop, ...others] = stored.score.faults;
      expect(others).toEqual([]);
      expect(stop).toMatchObject({ kind: 'full-stop', targetMs: 60_000, verdict: 'met' });
      expect(stop?.rules).toEqual([expect.objectContaining({ rule: 'ledger-fresh', stayedFiring: true, flaps: 0 })]);
      expect(stop?.bestFiringMs).toBeGreaterThan(0);
      expect(stop?.bestFiringMs).toBeLessThanOrEqual(60_000);
      expect(stored.score.falseAlarms).toEqual([]);
      expect(stored.engine.errors).toEqual([]);
      // The engine really judged windows, all watched, over the 100 simulated minutes (every 20 s).
      const windows = stored.engine.windows.find((w) => w.rule_id === 'ledger-fresh');
      expect(windows?.judged).toBeGreaterThan(280);
      expect(windows?.breached).toBeGreaterThan(0);
      expect(windows?.notWatched).toBe(0);
      expect(stored.host.loadAvgAfter).toHaveLength(3);

      const md = readFileSync(join(results, 'detection.md'), 'utf8');
      expect(md).toContain('| fault | starts | target (firing) | rule | pending | firing |');
      expect(md).toMatch(/\| Full stop of ledger\.entries .* \| ledger-fresh \| \d+ s \| \d+ s \| yes \| 0 \|/);
      expect(md).toContain('## False alarms: 0');
      expect(md).toContain('id: ledger-fresh');
    },
  );
});
