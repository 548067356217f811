// Tap benchmark: pre-fill a topic, then in one run time a bare kafkajs consumer and the Rollcall Kafka tap over
// it, and record both rates and their ratio in bench/results/. Usage: npm run -w @rollcall/bench tap -- --help
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { AuditLevel } from '@rollcall/core/audit';
import { openStore } from '@rollcall/core/store';
import { runBaseline } from './tap/baseline.ts';
import { collectorConfig, runCollector, type CollectorResult } from './tap/collector.ts';
import type { PhaseResult } from './tap/meter.ts';
import { OptionsError, parseOptions, USAGE, type TapBenchOptions } from './tap/options.ts';
import { prefill } from './tap/prefill.ts';
import { LEVEL_TARGETS, TARGET_RATIO, writeResults, type LevelRun, type TapRun } from './tap/report.ts';
import { measureStageCosts, type StageCosts } from './tap/stage-costs.ts';
import { runStoreOnly } from './tap/store-only.ts';

const say = (line: string) => process.stdout.write(line + '\n');
const median = <T extends { msgPerSec: number }>(runs: T[]): T | null =>
  [...runs].sort((a, b) => a.msgPerSec - b.msgPerSec)[Math.floor(runs.length / 2)] ?? null;
const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} msg/s`;

/** One collector run into a fresh embedded store; stage costs are probed on the last one only. */
async function collectorRun(
  opts: TapBenchOptions,
  admin: Admin,
  topic: string,
  probe: boolean,
  level: AuditLevel = 'rows',
): Promise<{ collector: CollectorResult; stageCosts: StageCosts | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-bench-tap-'));
  const groupId = `rollcall-bench-tap-${Date.now().toString(36)}`;
  const config = collectorConfig({ brokers: opts.brokers, topic, dataDir, groupId, level });
  const store = await openStore(config.clickhouse);
  try {
    const collector = await runCollector(store, config, { topic, messages: opts.messages, timeoutMs: opts.timeoutMs });
    if (!probe) return { collector, stageCosts: null };
    // Probe the insert at the batch size the tap actually flushed.
    const flushed = Math.round(collector.inserts.rowsPerInsert.mean);
    const batchRows = flushed > 0 ? flushed : config.writer.batch_size;
    const stageCosts = await measureStageCosts(store, config, {
      stream: `${topic}-probe`,
      size: opts.size,
      sample: Math.min(opts.messages, 100_000),
      batchRows,
    });
    return { collector, stageCosts };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}

async function main(opts: TapBenchOptions, argv: string[]): Promise<TapRun> {
  const kafka = new Kafka({ clientId: 'rollcall-bench', brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const loadAvgBefore = loadavg();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    say(`prefill: ${opts.messages.toLocaleString('en-US')} × ${opts.size} B over ${opts.partitions} partition(s)…`);
    const filled = await prefill(kafka, admin, opts);
    say(
      filled.produce
        ? `prefill: produced into ${filled.topic} at ${rate(filled.produce.msgPerSec)} (acks=all)`
        : `prefill: reusing ${filled.topic}`,
    );

    // Baseline and collector alternate, so a neighbour that slows the host for a while hits both alike.
    const baselineRuns: PhaseResult[] = [];
    const decoderRuns: PhaseResult[] = [];
    const bare = { topic: filled.topic, messages: opts.messages, timeoutMs: opts.timeoutMs };
    const storeOnlyRuns: PhaseResult[] = [];
    const collectorRuns: CollectorResult[] = [];
    const levelRuns: Record<'keys' | 'counts', CollectorResult[]> = { keys: [], counts: [] };
    let stageCosts: StageCosts | null = null;
    for (let i = 0; i < opts.runs; i++) {
      if (opts.phases.includes('baseline')) {
        const result = await runBaseline(kafka, admin, { ...bare, decoder: 'kafkajs' });
        say(`baseline ${i + 1}/${opts.runs}: ${rate(result.msgPerSec)} (${(result.ms / 1000).toFixed(1)} s)`);
        baselineRuns.push(result);
      }
      if (opts.phases.includes('decoder')) {
        const result = await runBaseline(kafka, admin, { ...bare, decoder: 'rollcall' });
        say(
          `baseline with the tap's decoder ${i + 1}/${opts.runs}: ${rate(result.msgPerSec)} (${(result.ms / 1000).toFixed(1)} s)`,
        );
        decoderRuns.push(result);
      }
      if (opts.phases.includes('store')) {
        const result = await runStoreOnly(kafka, admin, {
          brokers: opts.brokers,
          topic: filled.topic,
          messages: opts.messages,
          timeoutMs: opts.timeoutMs,
        });
        say(`store only ${i + 1}/${opts.runs}: ${rate(result.msgPerSec)} (${(result.ms / 1000).toFixed(1)} s)`);
        storeOnlyRuns.push(result);
      }
      if (opts.phases.includes('collector')) {
        const run = await collectorRun(opts, admin, filled.topic, opts.stageCosts && i === opts.runs - 1);
        say(
          `collector ${i + 1}/${opts.runs}: ${rate(run.collector.msgPerSec)} (${(run.collector.ms / 1000).toFixed(1)} s, stored ${run.collector.storedCount})`,
        );
        collectorRuns.push(run.collector);
        stageCosts = run.stageCosts ?? stageCosts;
      }
      for (const level of ['keys', 'counts'] as const) {
        if (!opts.phases.includes(level)) continue;
        const { collector: c } = await collectorRun(opts, admin, filled.topic, false, level);
        say(
          `collector at ${level} ${i + 1}/${opts.runs}: ${rate(c.msgPerSec)} (${(c.ms / 1000).toFixed(1)} s, stored ${c.storedCount})`,
        );
        levelRuns[level].push(c);
      }
    }
    const baseline = median(baselineRuns);
    const collector = median(collectorRuns);
    const pairedRatios =
      baselineRuns.length === collectorRuns.length
        ? collectorRuns.map((c, i) => c.msgPerSec / (baselineRuns[i] as PhaseResult).msgPerSec)
        : [];

    const ok = (p: { complete: boolean } | null) => !!p && p.complete;
    const levelRun = (runs: CollectorResult[]): LevelRun | undefined => {
      const median_ = median(runs);
      if (!median_) return undefined;
      return {
        collector: median_,
        runs: runs.map((c) => Math.round(c.msgPerSec)),
        ratio: baseline && ok(baseline) && ok(median_) ? median_.msgPerSec / baseline.msgPerSec : null,
        storedCountEqualsMessages: runs.every((c) => c.storedCount === opts.messages),
      };
    };
    const keys = levelRun(levelRuns.keys);
    const counts = levelRun(levelRuns.counts);
    return {
      date: new Date().toISOString(),
      command: ['npm run -w @rollcall/bench tap', ...(argv.length ? ['--', ...argv] : [])].join(' '),
      host: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memGiB: Math.round(totalmem() / 2 ** 30),
        platform: `${process.platform}-${process.arch}`,
        node: process.version,
        loadAvgBefore,
        loadAvgAfter: loadavg(),
      },
      kafka: {
        brokers: opts.brokers,
        clusterId: cluster.clusterId,
        brokerCount: cluster.brokers.length,
        version: process.env.KAFKA_VERSION ?? null,
      },
      messages: opts.messages,
      size: opts.size,
      partitions: opts.partitions,
      topic: filled.topic,
      prefill: filled,
      baseline,
      baselineRuns: baselineRuns.map((b) => Math.round(b.msgPerSec)),
      decoderBaseline: median(decoderRuns),
      decoderBaselineRuns: decoderRuns.map((b) => Math.round(b.msgPerSec)),
      storeOnly: median(storeOnlyRuns),
      storeOnlyRuns: storeOnlyRuns.map((b) => Math.round(b.msgPerSec)),
      collector,
      collectorRuns: collectorRuns.map((c) => Math.round(c.msgPerSec)),
      pairedRatios,
      // Every collector run must have stored exactly n, not just the median one.
      ratio: baseline && collector && ok(baseline) && ok(collector) ? collector.msgPerSec / baseline.msgPerSec : null,
      steadyRatio:
        baseline && collector && ok(baseline) && ok(collector)
          ? collector.steadyMsgPerSec / baseline.steadyMsgPerSec
          : null,
      storedCountEqualsMessages: collectorRuns.length
        ? collectorRuns.every((c) => c.storedCount === opts.messages)
        : null,
      stageCosts,
      levels: { ...(keys ? { keys } : {}), ...(counts ? { counts } : {}) },
    };
  } finally {
    await admin.disconnect();
  }
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  say(USAGE);
  process.exit(0);
}
let opts: TapBenchOptions;
try {
  opts = parseOptions(argv, process.env);
} catch (err) {
  process.stderr.write(
    `${err instanceof OptionsError || err instanceof TypeError ? err.message : String(err)}\n${USAGE}\n`,
  );
  process.exit(2);
}
const measured = await main(opts, argv).catch((err: unknown) => {
  process.stderr.write(`tap benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
const { json, md, run } = writeResults(
  opts.resultsDir ?? fileURLToPath(new URL('../results/', import.meta.url)),
  measured,
);
say('');
say(
  `n=${run.messages.toLocaleString('en-US')} size=${run.size} B partitions=${run.partitions} on ${run.host.cores} cores`,
);
if (run.prefill.produce)
  say(
    `  produce   ${rate(run.prefill.produce.msgPerSec)}${run.prefill.reused ? ' (when the reused topic was filled)' : ''}`,
  );
if (run.baseline)
  say(
    `  baseline  ${rate(run.baseline.msgPerSec)} (median of ${run.baselineRuns.length}; steady ${rate(run.baseline.steadyMsgPerSec)})${run.baseline.complete ? '' : ' INCOMPLETE'}`,
  );
if (run.decoderBaseline)
  say(
    `  baseline with the tap's record decoder ${rate(run.decoderBaseline.msgPerSec)} (median of ${run.decoderBaselineRuns?.length})${run.decoderBaseline.complete ? '' : ' INCOMPLETE'}`,
  );
if (run.storeOnly)
  say(
    `  store only ${rate(run.storeOnly.msgPerSec)} (median of ${run.storeOnlyRuns?.length}; kafkajs into the store, no extraction)${run.storeOnly.complete ? '' : ' INCOMPLETE'}`,
  );
if (run.collector)
  say(
    `  collector ${rate(run.collector.msgPerSec)} (median of ${run.collectorRuns.length}; steady ${rate(run.collector.steadyMsgPerSec)}), every run stored n: ${run.storedCountEqualsMessages ? 'yes' : 'NO'}`,
  );
for (const level of ['keys', 'counts'] as const) {
  const l = run.levels?.[level];
  if (l)
    say(
      `  ${level.padEnd(9)} ${rate(l.collector.msgPerSec)} (median of ${l.runs.length}), ratio ${l.ratio?.toFixed(2) ?? '–'} (target ≥ ${LEVEL_TARGETS[level]}), every run stored n: ${l.storedCountEqualsMessages ? 'yes' : 'NO'}`,
    );
}
if (run.ratio !== null)
  say(
    `  ratio     ${run.ratio.toFixed(2)} (steady ${run.steadyRatio?.toFixed(2)}; paired ${run.pairedRatios.map((x) => x.toFixed(2)).join(', ')}; target ≥ ${TARGET_RATIO})`,
  );
if (run.stageCosts)
  say(
    `  stages    extract ${run.stageCosts.extractUsPerMsg.toFixed(2)} µs/msg, serialise ${run.stageCosts.serializeUsPerMsg.toFixed(2)} µs/msg, insert ${run.stageCosts.insert.usPerMsg.toFixed(2)} µs/msg`,
  );
say(`wrote ${json} and ${md}`);
// chDB's native session and kafkajs timers can keep the loop alive after close; the results are written.
process.exit([run.baseline, run.decoderBaseline, run.storeOnly, run.collector].some((p) => p && !p.complete) ? 1 : 0);
