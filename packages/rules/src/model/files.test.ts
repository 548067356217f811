import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { ruleFileError } from '../testing/rule-file-error.ts';
import { createRuleFiles, MAX_RULE_FILE_BYTES, parseRuleFile, readRuleFile } from './files.ts';

const good = `rules:
  - id: orders-floor
    type: volume
    match: { broker: kafka, stream: orders }
    min: 10
`;

/** A fresh rules directory holding `contents` (file name → YAML), loaded once. */
function loadedRuleDir(contents: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-rules-'));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  const files = createRuleFiles({ dir, log: silentLogger });
  files.reload();
  return { dir, files };
}

describe('rule files', () => {
  it('reads a valid file with defaults filled in', () => {
    const [rule] = parseRuleFile(good, 'x.yaml');
    expect(rule).toMatchObject({
      id: 'orders-floor',
      type: 'volume',
      window: 300_000,
      every: 60_000,
      for: 0,
      delay: 30_000,
      severity: 'warning',
      match: { kind: 'publish' },
    });
  });

  it.each([
    ['broken YAML', 'rules:\n  - id: a\n    type: [volume\n', /x\.yaml:\d+:\d+: invalid YAML/],
    [
      'an unknown type',
      'rules:\n  - id: a\n    type: volumes\n',
      /x\.yaml:3: rules\.0\.type: expected type to be one of volume/,
    ],
    ['an unknown field', `${good}    mni: 3\n`, /x\.yaml:6: rules\.0\.mni: unknown field/],
    ['a bad duration', `${good}    window: five minutes\n`, /x\.yaml:6: rules\.0\.window: expected a duration/],
    [
      'a missing bound',
      'rules:\n  - id: a\n    type: ratio\n    a: { stream: x }\n    b: { stream: y }\n',
      /x\.yaml:\d+: rules\.0\.lo: a ratio rule needs lo or hi/,
    ],
    [
      'a bad time zone',
      `${good}    schedule: { timezone: Mars/Olympus }\n`,
      /x\.yaml:6: rules\.0\.schedule\.timezone: expected an IANA time zone/,
    ],
    ['a bad id', good.replace('orders-floor', 'Orders Floor'), /x\.yaml:2: rules\.0\.id: expected an id/],
    [
      'a repeated id',
      good + good.replace('rules:\n', ''),
      /x\.yaml:6: rules\.1\.id: "orders-floor" is already used by rules\.0/,
    ],
    ['a list at the top', '- id: a\n', /x\.yaml:1: expected a mapping with a "rules" list/],
    [
      'an every that overflows',
      `${good}    every: ${'9'.repeat(400)}d\n`,
      /x\.yaml:6: rules\.0\.every: expected a duration .*at most 30d/,
    ],
    ['a window past 30 days', `${good}    window: 31d\n`, /x\.yaml:6: rules\.0\.window: .*at most 30d/],
    ['a for past 7 days', `${good}    for: 8d\n`, /x\.yaml:6: rules\.0\.for: .*at most 7d/],
    [
      'an alias bomb',
      `a: &a [x,x,x,x,x,x,x,x,x]\n${'bcdefghi'
        .split('')
        .map(
          (k, i) =>
            `${k}: &${k} [${Array(9)
              .fill(`*${'abcdefgh'[i] ?? 'a'}`)
              .join(',')}]`,
        )
        .join('\n')}\n`,
      /x\.yaml:2: invalid YAML: .*alias/,
    ],
  ])('names the file, line and field for %s', (_, text, message) => {
    expect(ruleFileError(text)).toMatch(message);
  });

  it('keeps the last good rules of a file that breaks, and reports the error until it is fixed', () => {
    const { dir, files } = loadedRuleDir({ 'orders.yaml': good });
    const file = join(dir, 'orders.yaml');
    expect(files.rules().map((r) => r.id)).toEqual(['orders-floor']);

    writeFileSync(file, good.replace('min: 10', 'min: ten'));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(files.reload()).toBe(false);
    expect(files.rules().map((r) => r.id)).toEqual(['orders-floor']);
    expect(files.files()[0]?.error).toMatch(/orders\.yaml:5: rules\.0\.min/);

    writeFileSync(file, good.replace('min: 10', 'min: 20'));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect(files.reload()).toBe(true);
    expect(files.rules()[0]).toMatchObject({ min: 20 });
    expect(files.files()[0]?.error).toBeUndefined();

    rmSync(file);
    expect(files.reload()).toBe(true);
    expect(files.rules()).toEqual([]);
  });

  it('refuses a rule id that another file already defines', () => {
    const { files } = loadedRuleDir({ 'a.yaml': good, 'b.yaml': good.replace('min: 10', 'min: 99') });
    expect(files.rules()).toHaveLength(1);
    expect(files.rules()[0]).toMatchObject({ min: 10 });
    expect(files.files().find((f) => f.file === 'b.yaml')?.error).toMatch(/already defined in .*a\.yaml/);
  });

  it('lists the first 20 problems of a file with thousands, and how many more', () => {
    const message = ruleFileError(`rules: []\n${Array.from({ length: 2000 }, (_, i) => `k${i}: v`).join('\n')}\n`);
    expect(message.split('\n')).toHaveLength(21);
    expect(message).toMatch(/x\.yaml:2: k0: unknown field[\s\S]*x\.yaml: … and 1980 more problems$/);
  });

  it('reports symlink loops, directories, FIFOs and oversized files as file problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollcall-rules-'));
    symlinkSync(join(dir, 'loop.yaml'), join(dir, 'loop.yaml'));
    symlinkSync('.', join(dir, 'here.yaml'));
    mkdirSync(join(dir, 'dir.yaml'));
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    writeFileSync(join(dir, 'huge.yaml'), 'x'.repeat(MAX_RULE_FILE_BYTES + 1));
    const problem = (file: string) => {
      try {
        readRuleFile(join(dir, file));
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(problem('loop.yaml')).toBe(`${join(dir, 'loop.yaml')}: a symlink loop`);
    expect(problem('here.yaml')).toBe(`${join(dir, 'here.yaml')}: a directory, not a rule file`);
    expect(problem('dir.yaml')).toBe(`${join(dir, 'dir.yaml')}: a directory, not a rule file`);
    expect(problem('fifo.yaml')).toMatch(/fifo\.yaml: not a regular file/);
    expect(problem('huge.yaml')).toMatch(/huge\.yaml: 257 kB; rule files are limited to 256 kB/);
  });

  it('keeps the last good rules when a file becomes a symlink loop, and loads the others', () => {
    const { dir, files } = loadedRuleDir({ 'a.yaml': good, 'b.yaml': good.replace('orders-floor', 'payments-floor') });
    rmSync(join(dir, 'a.yaml'));
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'a.yaml'));
    mkdirSync(join(dir, 'c.yaml'));
    files.reload();
    expect(files.rules().map((r) => r.id)).toEqual(['orders-floor', 'payments-floor']);
    expect(files.files().find((f) => f.file === 'a.yaml')?.error).toMatch(/a\.yaml: a symlink loop/);
    expect(files.files().find((f) => f.file === 'c.yaml')?.error).toMatch(/c\.yaml: a directory/);
  });
});
