// A Kafka tap that crashes (a foreign client holds its consumer group with an incompatible protocol) makes
// Rollcall say so: /readyz not ready, rollcall_tap_up 0, the rollcall-tap-health alert firing within a minute;
// it recovers by itself once the group is free, and SIGTERM ends the process in bounded time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type PartitionAssigner } from 'kafkajs';
import { kafkaTargets, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const bin = join(import.meta.dirname, '../../bin/rollcall.js');
const name = uniqueName('rc-health');
const dir = tempDir('rollcall-health');
const kafkaTarget = kafkaTargets()[0] ?? { version: '4.1', brokers: ['127.0.0.1:9092'] };
const topic = `${name}-t`;
const group = `${name}-tap`;

/** A member of the group whose only protocol Rollcall does not speak: the broker then refuses Rollcall's join. */
const foreignAssigner: PartitionAssigner = () => ({
  name: 'ForeignOnly',
  version: 1,
  assign: async ({ members }) =>
    members.map((m) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: {},
        userData: Buffer.alloc(0),
      }),
    })),
  protocol: ({ topics }) => ({
    name: 'ForeignOnly',
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
  }),
});

describe('tap health', () => {
  const kafka = new Kafka({ clientId: 'health-test', brokers: kafkaTarget.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let foreign: Consumer | undefined;
  let child: ChildProcess | undefined;
  let url = '';
  const log = createWriteStream(join(dir, 'rollcall.log'));
  const startRollcall = async () => {
    const env = {
      ...process.env,
      ROLLCALL_DATA_DIR: join(dir, 'clickhouse'),
      ROLLCALL_API_PORT: '0',
      ROLLCALL_KAFKA_BROKERS: kafkaTarget.brokers.join(','),
      ROLLCALL_KAFKA_INCLUDE: `^${name}-`,
      ROLLCALL_KAFKA_GROUP_ID: group,
      ROLLCALL_KAFKA_START: 'earliest',
      ROLLCALL_KAFKA_METADATA_REFRESH: '1s',
      ROLLCALL_RABBITMQ_ENABLED: 'false',
      ROLLCALL_LAG_ENABLED: 'false',
      ROLLCALL_RULES_DIR: join(dir, 'rules'),
    };
    child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.pipe(log, { end: false });
    url = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        const found = /Rollcall is running: (\S+)/.exec(chunk.toString());
        if (found?.[1]) resolve(found[1]);
      });
      child?.once('exit', (code) => reject(new Error(`rollcall exited with ${code}; see ${dir}/rollcall.log`)));
    });
  };
  const ready = () =>
    fetch(`${url}/readyz`).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { checks: Record<string, string> },
    }));
  const tapUp = () =>
    fetch(`${url}/metrics`)
      .then((r) => r.text())
      .then((t) => /^rollcall_tap_up\{tap="kafka"\} (\d)/m.exec(t)?.[1]);
  const healthAlert = () =>
    fetch(`${url}/api/v1/alerts?state=firing,pending,resolved`)
      .then((r) => r.json() as Promise<{ alerts: { rule_id: string; state: string; summary: string }[] }>)
      .then((b) => b.alerts.find((a) => a.rule_id === 'rollcall-tap-health' && a.summary.startsWith('kafka')));

  beforeAll(async () => {
    await admin.connect();
    await createReadyTopics(admin, [{ topic }]);
    foreign = kafka.consumer({ groupId: group, partitionAssigners: [foreignAssigner] });
    await foreign.connect();
    await foreign.subscribe({ topics: [topic] });
    await foreign.run({ eachMessage: async () => {} });
    await startRollcall();
  }, 90_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await foreign?.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it(
    'reports a crashed tap as not ready and fires the tap-health alert within a minute',
    { timeout: 120_000 },
    async () => {
      const started = Date.now();
      const notReady = await waitUntil(
        ready,
        (r) => r.status === 503 && /consumer crashed/.test(r.body.checks.kafka ?? ''),
        30_000,
        '/readyz to report the crash',
      );
      expect(notReady.body.checks.kafka).toMatch(/incompatible/);
      expect(await tapUp()).toBe('0');
      const alert = await waitUntil(healthAlert, (a) => a?.state === 'firing', 60_000, 'the tap-health alert to fire');
      expect(alert?.summary).toMatch(/^kafka is not watching: consumer crashed/);
      expect(Date.now() - started).toBeLessThan(60_000);
    },
  );

  it('ends on SIGTERM in bounded time while its tap is crashed', { timeout: 60_000 }, async () => {
    expect((await ready()).body.checks.kafka).toMatch(/consumer crashed/);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const t0 = Date.now();
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(25_000);
  });

  it('watches again once its group is free, and resolves the alert', { timeout: 120_000 }, async () => {
    await foreign?.disconnect();
    foreign = undefined;
    await startRollcall();
    await waitUntil(ready, (r) => r.status === 200, 60_000, '/readyz ready again');
    expect(await tapUp()).toBe('1');
    await waitUntil(healthAlert, (a) => a?.state === 'resolved', 30_000, 'the tap-health alert to resolve');
  });
});
