// RabbitMQ tap benchmark: how fast the tap empties its queue of firehose traces, against a bare rabbitmq-client
// consumer emptying the same queue, in one run. Each run fills the tap queue with the same publish traces (the
// firehose on in a vhost of its own, nothing else consuming), then times one reader until the queue is empty: the
// tap storing every trace into a fresh embedded store, or a plain consumer that acks each message and keeps nothing.
// With no load beside it this is the tap's own ceiling in trace messages per second; `rollcall bench overhead` says
// what it costs a broker under load. Usage: npm run bench:rabbitmq-tap -- [--messages N] [--runs N] [--level L]
// [--size BYTES] [--prefetch N] (default: rabbitmq.prefetch's default)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from 'rabbitmq-client';
import { AUDIT_LEVELS, type AuditLevel } from '@rollcall/core/audit';
import { parseConfig } from '@rollcall/core/config';
import { createLogger } from '@rollcall/core/log';
import { openStore } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { createRabbitTap } from '@rollcall/collector/rabbitmq/firehose';
import { createManagement, managementAuthorization } from '@rollcall/collector/rabbitmq/management';
import type { Environment } from '@rollcall/contract/bench';
import { hostAfter, hostBefore } from './load/host.ts';
import { integer, parseFlags, redactUrl } from './load/options.ts';
import { createRabbitAdmin, type RabbitAdmin } from './load/rabbit-management.ts';
import { startMeter, type PhaseResult } from './tap/meter.ts';

const say = (line: string) => process.stdout.write(line + '\n');
const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} msg/s`;
const VHOST = 'rollcall-bench-rabbitmq-tap';
const TAP_QUEUE = 'rollcall-bench-tap';
const EXCHANGE = 'orders';
const FILL_IN_FLIGHT = 500;

interface Options {
  url: string;
  managementUrl: string;
  messages: number;
  runs: number;
  level: AuditLevel;
  /** Body bytes of each message. */
  size: number;
  prefetch: number;
  timeoutMs: number;
  results: string;
}

function options(argv: string[]): Options {
  const values = parseFlags(argv, {
    url: { type: 'string', default: 'amqp://guest:guest@127.0.0.1:5672' },
    'management-url': { type: 'string', default: 'http://127.0.0.1:15672' },
    messages: { type: 'string' },
    runs: { type: 'string' },
    level: { type: 'string', default: 'rows' },
    size: { type: 'string' },
    prefetch: { type: 'string' },
    timeout: { type: 'string' },
    results: { type: 'string', default: fileURLToPath(new URL('../results', import.meta.url)) },
  });
  const level = values.level as AuditLevel;
  if (!AUDIT_LEVELS.includes(level)) throw new Error(`--level: one of ${AUDIT_LEVELS.join(', ')}, not "${level}"`);
  const url = new URL(values.url);
  url.pathname = '/' + encodeURIComponent(VHOST);
  return {
    url: url.toString(),
    managementUrl: values['management-url'],
    messages: integer('messages', values.messages, 150_000, 1),
    runs: integer('runs', values.runs, 3, 1),
    level,
    size: integer('size', values.size, 200, 100),
    prefetch: integer('prefetch', values.prefetch, parseConfig('', 'defaults', {}).rabbitmq.prefetch, 1),
    timeoutMs: integer('timeout', values.timeout, 300, 1) * 1000,
    results: values.results,
  };
}

/** A vhost of the benchmark's own, with the firehose on. Created afresh: one left by an interrupted run still holds
 * its traces in the tap queue, and the next run's tap would store them too (150,569 rows for 150,000 traces). */
async function createVhost(o: Options): Promise<RabbitAdmin> {
  await deleteVhost(o);
  const res = await fetch(new URL(`/api/vhosts/${encodeURIComponent(VHOST)}`, o.managementUrl), {
    method: 'PUT',
    headers: { authorization: managementAuthorization(o.url), 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw new Error(`could not create vhost ${VHOST}: management API answered ${res.status}`);
  const admin = createRabbitAdmin(o.managementUrl, o.url);
  await admin.setTracing(true);
  return admin;
}

function tapConfig(o: Options, dataDir: string) {
  return parseConfig(
    JSON.stringify({
      log_level: 'warn',
      clickhouse: { data_dir: dataDir, database: 'rollcall_bench' },
      kafka: { enabled: false },
      rabbitmq: {
        url: o.url,
        management_url: o.managementUrl,
        vhosts: [VHOST],
        tap_queue: TAP_QUEUE,
        cluster: 'bench',
        trace: 'publish',
        prefetch: o.prefetch,
        max_length: 10 * o.messages,
      },
      lag: { enabled: false },
      audit: { default: o.level },
    }),
    'bench/rabbitmq-tap (generated)',
  );
}

/** Publishes `n` JSON messages of about `size` bytes, traced into the tap queue; resolves once all are there. */
async function fill(conn: Connection, admin: RabbitAdmin, n: number, size: number): Promise<void> {
  const publisher = conn.createPublisher({ confirm: true });
  const note = 'x'.repeat(Math.max(0, size - 110));
  const body = (i: number) =>
    JSON.stringify({ type: 'OrderPlaced', order_id: `o-${i}`, amount: 12.5, currency: 'EUR', note });
  // Many confirms outstanding at once: waiting for each stalls on TCP's delayed ack once a message spans several
  // segments (20 KB bodies filled at 20 msg/s).
  for (let start = 0; start < n; start += FILL_IN_FLIGHT) {
    const sends: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + FILL_IN_FLIGHT); i++)
      sends.push(
        publisher.send(
          { exchange: EXCHANGE, routingKey: 'order.placed', messageId: `m-${i}`, type: 'OrderPlaced', appId: 'orders' },
          body(i),
        ),
      );
    await Promise.all(sends);
  }
  await publisher.close();
  while ((await admin.queue(TAP_QUEUE)).messages < n) await new Promise((r) => setTimeout(r, 200));
}

/** A plain consumer of the tap queue: acks each message and keeps nothing. */
async function bare(conn: Connection, o: Options): Promise<PhaseResult> {
  let seen = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const meter = startMeter();
  const consumer = conn.createConsumer(
    { queue: TAP_QUEUE, queueOptions: { passive: true }, qos: { prefetchCount: o.prefetch }, concurrency: o.prefetch },
    () => {
      meter.firstRecord();
      if (++seen === o.messages) done();
    },
  );
  const late = await race(all, o.timeoutMs);
  const result = meter.finish(seen, !late && seen === o.messages);
  await consumer.close();
  return result;
}

/** The tap, storing into a fresh embedded store; complete only if the store holds exactly one row per trace. */
async function tap(o: Options): Promise<PhaseResult & { stored: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-bench-rabbitmq-tap-'));
  const config = tapConfig(o, dataDir);
  const store = await openStore(config.clickhouse);
  try {
    let stored = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const meter = startMeter();
    const t = createRabbitTap({
      config,
      store,
      log: createLogger('warn'),
      management: createManagement(o.managementUrl, o.url),
      onInserted: (rows) => {
        meter.firstRecord();
        stored += rows;
        if (stored >= o.messages) done();
      },
    });
    await t.start();
    const late = await race(all, o.timeoutMs);
    const result = meter.finish(stored, !late && stored === o.messages);
    await t.stop();
    const counted = (await countEvents(store, { broker: 'rabbitmq', stream: EXCHANGE, since: 0 })).count;
    return { ...result, complete: result.complete && counted === o.messages, stored: counted };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** True when the timeout came first. */
async function race(all: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  return late;
}

type Run = { bare: PhaseResult; tap: PhaseResult & { stored: number } };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const perMessage = (p: PhaseResult, share: number) => ((share * p.ms) / p.records) * 1000;

function report(o: Options, runs: Run[], host: Environment['host']) {
  const row = (label: string, ps: PhaseResult[], of?: number) => {
    const mps = median(ps.map((p) => p.msgPerSec));
    const main = median(ps.map((p) => perMessage(p, p.eventLoopUtilization)));
    const cpu = median(ps.map((p) => perMessage(p, p.cpuCores)));
    const peak = median(ps.map((p) => p.peakJsMiB ?? 0));
    return `| ${label} | ${Math.round(mps).toLocaleString('en-US')} | ${of ? (mps / of).toFixed(2) : '1'} | ${main.toFixed(1)} | ${cpu.toFixed(1)} | ${Math.round(peak)} | ${ps.map((p) => (p.complete ? 'yes' : 'NO')).join(', ')} |`;
  };
  const bareRate = median(runs.map((r) => r.bare.msgPerSec));
  return [
    '# The RabbitMQ tap against a bare consumer',
    '',
    'Generated by `npm run bench:rabbitmq-tap`; do not edit by hand.',
    '',
    `Each run fills the tap queue with ${o.messages.toLocaleString('en-US')} publish traces (JSON bodies of about ${o.size.toLocaleString('en-US')} B, the firehose on in a vhost of its own, nothing else running), then times one reader until the queue is empty: a bare rabbitmq-client consumer that acks each message and keeps nothing, and the Rollcall tap storing every trace at the \`${o.level}\` level into a fresh embedded store (complete only if the store then holds exactly one row per trace). Medians of ${o.runs} runs, alternating. µs per message: the main thread's busy time, and the whole process's CPU (chDB's threads too). Peak JS MiB: the most V8 heap and Buffer memory in use at once (sampled ten times a second, garbage not yet collected included): what the reader holds of the messages delivered and not yet acked, up to the prefetch.`,
    '',
    '| reader | msg/s | of bare | main thread µs/msg | process CPU µs/msg | peak JS MiB | complete |',
    '|---|---:|---:|---:|---:|---:|---|',
    row(
      'bare rabbitmq-client consumer',
      runs.map((r) => r.bare),
    ),
    row(
      `Rollcall tap at \`${o.level}\``,
      runs.map((r) => r.tap),
      bareRate,
    ),
    '',
    `Host ${host.cores} × ${host.cpu}, ${host.memGiB} GiB, load average ${host.loadAvgBefore.join('/')} before and ${host.loadAvgAfter.join('/')} after; RabbitMQ at ${redactUrl(o.url)}, prefetch ${o.prefetch}. Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench:rabbitmq-tap -- --messages ${o.messages} --runs ${o.runs} --level ${o.level} --size ${o.size} --prefetch ${o.prefetch}\`.`,
    '',
  ].join('\n');
}

async function main(o: Options) {
  const before = hostBefore();
  const admin = await createVhost(o);
  const conn = new Connection({ url: o.url, connectionName: 'rollcall-bench rabbitmq-tap' });
  try {
    await conn.exchangeDeclare({ exchange: EXCHANGE, type: 'topic' });
    // the tap declares its queue (and its overflow) as it always does, bound to the firehose's publishes
    const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-bench-rabbitmq-tap-'));
    const config = tapConfig(o, dataDir);
    const setup = await openStore(config.clickhouse);
    const declare = createRabbitTap({
      config,
      store: setup,
      log: createLogger('warn'),
      management: createManagement(o.managementUrl, o.url),
    });
    await declare.start();
    await declare.stop();
    await setup.close();
    rmSync(dataDir, { recursive: true, force: true });
    const runs: Run[] = [];
    for (let i = 0; i < o.runs; i++) {
      await fill(conn, admin, o.messages, o.size);
      const b = await bare(conn, o);
      say(`bare ${i + 1}/${o.runs}: ${rate(b.msgPerSec)}${b.complete ? '' : ' (INCOMPLETE)'}`);
      await fill(conn, admin, o.messages, o.size);
      const t = await tap(o);
      say(`tap ${i + 1}/${o.runs}: ${rate(t.msgPerSec)}, stored ${t.stored}${t.complete ? '' : ' (INCOMPLETE)'}`);
      runs.push({ bare: b, tap: t });
    }
    const host = hostAfter(before);
    mkdirSync(o.results, { recursive: true });
    const recorded = { ...o, url: redactUrl(o.url) }; // the URL's credentials stay out of the results
    writeFileSync(
      join(o.results, 'rabbitmq-tap.json'),
      JSON.stringify({ options: recorded, host, runs }, null, 2) + '\n',
    );
    writeFileSync(join(o.results, 'rabbitmq-tap.md'), report(o, runs, host));
    say(`wrote ${join(o.results, 'rabbitmq-tap.md')}`);
    return runs.every((r) => r.bare.complete && r.tap.complete);
  } finally {
    await conn.close();
    await deleteVhost(o).catch(() => {});
  }
}

async function deleteVhost(o: Options): Promise<void> {
  const res = await fetch(new URL(`/api/vhosts/${encodeURIComponent(VHOST)}`, o.managementUrl), {
    method: 'DELETE',
    headers: { authorization: managementAuthorization(o.url) },
  });
  if (!res.ok && res.status !== 404)
    throw new Error(`could not delete vhost ${VHOST} left by an earlier run: management API answered ${res.status}`);
}

try {
  const ok = await main(options(process.argv.slice(2)));
  process.exit(ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`bench:rabbitmq-tap: ${(err as Error).message}\n`);
  process.exit(2);
}
