import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESULTS_DIR } from '../commands/context.ts';
import { ratiosBetween, type OverheadPhase, type OverheadResult } from './phases.ts';
import { writeOverheadResults } from './report.ts';

const phase = (label: string, msgPerSec: number, extra: Partial<OverheadPhase> = {}): OverheadPhase => ({
  label,
  rollcall: extra.tap !== undefined,
  msgPerSec,
  endToEndMsgPerSec: msgPerSec,
  p50: 1,
  p99: 2,
  records: 1000,
  lost: 0,
  duplicates: 0,
  seconds: 1,
  sent: 1000,
  hostCpuMicrosPerMessage: 100_000 / msgPerSec,
  ...extra,
});

function firehoseResult(): OverheadResult {
  const off = [phase('firehose off', 10_000), phase('firehose off again', 10_000)];
  const all = phase('firehose on, trace: all', 4_000, {
    tap: { trace: 'all', drainSeconds: 1, publishes: 1000, deliveries: 1000, delivered: 1000 },
  });
  const publish = phase('firehose on, trace: publish', 8_000, {
    tap: { trace: 'publish', drainSeconds: 1, publishes: 1000, deliveries: 990, delivered: 1000, quiet: false },
  });
  for (const p of [all, publish]) p.ratios = ratiosBetween([p], off);
  return {
    kind: 'firehose',
    date: '2026-12-05T08:00:00.000Z',
    what: 'test',
    command: 'rollcall bench overhead --broker rabbitmq',
    params: {},
    brokerVersion: '3.10.8',
    host: {
      hostname: 'h',
      cores: 2,
      cpu: 'c',
      memGiB: 1,
      platform: 'p',
      node: 'v',
      loadAvgBefore: [0],
      loadAvgAfter: [0],
    },
    phases: [off[0] as OverheadPhase, all, publish, off[1] as OverheadPhase],
    ratios: ratiosBetween([all, publish], off),
    notes: [],
  };
}

const kafkaSection = (md: string) => md.slice(md.indexOf('## Kafka tap'));

describe('overhead.md', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('names both trace modes in the RabbitMQ headline, says which phase did not store exactly, and keeps the Kafka section', () => {
    dir = mkdtempSync(join(tmpdir(), 'rollcall-overhead-report-'));
    copyFileSync(join(DEFAULT_RESULTS_DIR, 'overhead.json'), join(dir, 'overhead.json'));
    const { md } = writeOverheadResults(dir, firehoseResult());
    const text = readFileSync(md, 'utf8');
    expect(text).toContain(
      'publishing ran at **0.40×** (end to end **0.40×**, p99 1.00×, host CPU per message 2.50×) tracing every publish and delivery (`trace: all`) and at **0.80×**',
    );
    expect(text).toContain('tracing publishes only (`trace: publish`');
    expect(text).toMatch(/\| firehose on, trace: all \|.*\| 1,000 traced \/ 1,000 \| yes \|/);
    expect(text).toMatch(
      /\| firehose on, trace: publish \|.*\| 990 counted \/ 1,000 \| \*\*no \(the counter was not quiet in time\)\*\* \|/,
    );
    const committed = readFileSync(join(DEFAULT_RESULTS_DIR, 'overhead.md'), 'utf8');
    expect(kafkaSection(text)).toBe(kafkaSection(committed));
  });
});
