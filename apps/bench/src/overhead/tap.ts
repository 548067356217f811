// What the Kafka tap costs an application: an application consumer group reads a pre-filled topic from the
// beginning, without the tap, with the Rollcall tap (its own process and store) reading the same topic at the
// same time, and without again. The application does what a real one does first: it parses each JSON body.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@rollcall/core/log';
import { kafkaLogCreator } from '@rollcall/collector/kafka/client-options';
import { detectKafkaVersion } from '../load/kafka.ts';
import { hostAfter, hostBefore } from '../load/host.ts';
import { startMeter } from '../tap/meter.ts';
import { prefill } from '../tap/prefill.ts';
import { ratiosOf, type OverheadPhase, type OverheadResult } from './phases.ts';
import { startTapChild, type TapChild } from './tap-child.ts';

export interface TapOverheadOptions {
  brokers: string[];
  messages: number;
  size: number;
  partitions: number;
  /** Per phase: the application group must have read every message by then. */
  timeoutMs: number;
  brokerVersion?: string;
}

export interface TapOverheadDeps {
  client: Omit<KafkaConfig, 'brokers'>;
  log: Logger;
  runId: string;
  command: string;
  say: (line: string) => void;
}

async function applicationGroup(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  messages: number,
  timeoutMs: number,
  groupId: string,
) {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let parsed = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const meter = startMeter();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        meter.firstRecord();
        for (const m of batch.messages) {
          if (m.value && typeof JSON.parse(m.value.toString('utf8')) === 'object') parsed++;
        }
        seen += batch.messages.length;
        if (seen >= messages) done();
      },
    });
    const late = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    return { ...meter.finish(seen, !late && seen >= messages), parsed };
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}

export async function measureTapOverhead(
  o: TapOverheadOptions,
  { client, log, runId, command, say }: TapOverheadDeps,
): Promise<OverheadResult> {
  const host = hostBefore();
  // ERROR only: the pre-fill's producer (shared with the tap benchmark) would warn about kafkajs's partitioner change.
  const kafka = new Kafka({
    ...client,
    brokers: o.brokers,
    clientId: 'rollcall-bench',
    logLevel: logLevel.ERROR,
    logCreator: kafkaLogCreator(log),
  });
  const admin = kafka.admin();
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bench-tap-overhead-'));
  const phases: OverheadPhase[] = [];
  let tap: TapChild | undefined;
  const tapGroup = `rollcall-bench-tap-${runId}`;
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const brokerVersion = o.brokerVersion ?? (await detectKafkaVersion(admin, cluster.brokers[0]?.nodeId ?? 0));
    say(`prefill: ${o.messages.toLocaleString('en-US')} × ${o.size} B over ${o.partitions} partition(s)…`);
    const { topic } = await prefill(kafka, admin, {
      messages: o.messages,
      size: o.size,
      partitions: o.partitions,
      refill: false,
    });
    const phase = async (label: string, withTap: boolean) => {
      if (withTap) {
        const escaped = topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        tap = await startTapChild(
          'kafka',
          {
            log_level: 'warn',
            clickhouse: { data_dir: join(dir, 'store'), database: 'rollcall_bench_tap' },
            kafka: {
              brokers: o.brokers,
              group_id: tapGroup,
              client_id: 'rollcall-bench-tap',
              include: [`^${escaped}$`],
              start: 'earliest',
            },
            rabbitmq: { enabled: false },
          },
          dir,
        );
      }
      say(`${label}: the application group reads ${o.messages.toLocaleString('en-US')} messages…`);
      const r = await applicationGroup(
        kafka,
        admin,
        topic,
        o.messages,
        o.timeoutMs,
        `rollcall-bench-app-${runId}-${phases.length}`,
      );
      const p: OverheadPhase = {
        label,
        rollcall: withTap,
        msgPerSec: r.msgPerSec,
        endToEndMsgPerSec: r.steadyMsgPerSec,
        p50: 0,
        p99: 0,
        records: r.records,
        lost: Math.max(0, o.messages - r.records),
        duplicates: 0,
        seconds: r.ms / 1000,
        cpuCores: r.cpuCores,
      };
      if (!r.complete)
        throw new Error(
          `${label}: the application group read ${r.records} of ${o.messages} messages within ${o.timeoutMs / 1000}s`,
        );
      if (tap) {
        p.tapRows = (await tap.stop()).rows;
        tap = undefined;
      }
      say(
        `${label}: ${Math.round(p.msgPerSec).toLocaleString('en-US')} msg/s${p.tapRows !== undefined ? ` (the tap stored ${p.tapRows.toLocaleString('en-US')} rows meanwhile)` : ''}`,
      );
      return p;
    };
    phases.push(await phase('tap off', false));
    phases.push(await phase('tap on', true));
    phases.push(await phase('tap off again', false));
    return {
      kind: 'tap',
      date: new Date().toISOString(),
      what: 'Kafka application consumer group throughput (reading a pre-filled topic from the beginning, parsing each JSON body) without and with the Rollcall Kafka tap reading the same topic',
      command,
      params: { brokers: o.brokers.join(','), topic, messages: o.messages, size: o.size, partitions: o.partitions },
      brokerVersion,
      host: hostAfter(host),
      phases,
      ratios: ratiosOf(phases),
      notes: [
        'msgPerSec is from the group’s start to its last record; endToEndMsgPerSec is the steady rate after the first record.',
        'The tap reads the same topic from the beginning at the same time, into its own embedded store, in its own process; on this host it competes with the application and the broker for CPU.',
      ],
    };
  } finally {
    await (tap as TapChild | undefined)
      ?.stop()
      .catch((err: unknown) => log.warn('could not stop the tap process', { err }));
    await admin.deleteGroups([tapGroup]).catch(() => {});
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
