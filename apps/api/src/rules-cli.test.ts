import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRules, parseTime, RulesCliError } from './rules-cli.ts';

describe('rollcall rules check', () => {
  it('accepts the rules shipped for the demo', () => {
    const lines: string[] = [];
    expect(checkRules(join(import.meta.dirname, '../../../deploy/local/rules.d'), (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/^ok .*card-fraud\.yaml: 5 rules/);
  });

  it('fails with file, line and field for a broken file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-check-'));
    writeFileSync(join(dir, 'a.yaml'), 'rules:\n  - id: a\n    type: freshness\n    match: { stream: x }\n');
    const lines: string[] = [];
    expect(checkRules(dir, (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/invalid .*a\.yaml:2: rules\.0\.max_silence: /);
  });
  it('reports an overflowing every, a symlink loop and a directory named *.yaml, one line each, and checks the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-check-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      `rules:\n  - id: a\n    type: volume\n    match: { stream: x }\n    min: 1\n    every: ${'9'.repeat(40)}d\n`,
    );
    symlinkSync(join(dir, 'b.yaml'), join(dir, 'b.yaml'));
    symlinkSync('.', join(dir, 'c.yaml'));
    mkdirSync(join(dir, 'd.yaml'));
    writeFileSync(join(dir, 'e.yaml'), 'rules:\n  - { id: e, type: volume, match: { stream: x }, min: 1 }\n');
    const lines: string[] = [];
    expect(checkRules(dir, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^invalid .*a\.yaml:6: rules\.0\.every: expected a duration .*at most 30d/),
      `invalid ${join(dir, 'b.yaml')}: a symlink loop`,
      `invalid ${join(dir, 'c.yaml')}: a directory, not a rule file`,
      `invalid ${join(dir, 'd.yaml')}: a directory, not a rule file`,
      `ok      ${join(dir, 'e.yaml')}: 1 rule (e)`,
    ]);
  });
});

describe('backtest time flags', () => {
  it('takes ISO times and durations ago, and names the flag when neither', () => {
    expect(parseTime('2026-11-01T00:00:00Z', 0, 'from')).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseTime('1h', 10_000_000, 'from')).toBe(10_000_000 - 3_600_000);
    expect(() => parseTime('yesterday', 0, 'from')).toThrow(RulesCliError);
    expect(() => parseTime('yesterday', 0, 'from')).toThrow(/--from/);
  });
});
