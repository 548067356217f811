// Publishes that reach RabbitMQ over MQTT and STOMP (its plugins, enabled by deploy/local/rabbitmq) go through the
// broker's own AMQP channels, so the firehose traces them like any other: each is counted once, on the exchange
// the plugin publishes to (amq.topic for MQTT, the one a STOMP destination names), with the plugin's routing key.
// The clients are the two protocols written out over a socket (MQTT 3.1.1 with QoS 1, STOMP 1.2 with receipts),
// so each publish is confirmed by the broker before the count is checked.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { startTestTap, type TestTap } from './test-tap.ts';

const name = uniqueName('rc-protocols');
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const N = 50;

/** Bytes arriving on a socket, read by whoever waits for the next frame. */
function reader(socket: Socket) {
  let buffered = Buffer.alloc(0);
  let wake = () => {};
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    wake();
  });
  return async (take: (b: Buffer) => number): Promise<Buffer> => {
    for (;;) {
      const n = take(buffered);
      if (n > 0) {
        const frame = buffered.subarray(0, n);
        buffered = buffered.subarray(n);
        return frame;
      }
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no answer from the broker within 10 s')), 10_000);
        wake = () => (clearTimeout(t), resolve());
      });
    }
  };
}

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

/** MQTT 3.1.1: CONNECT as guest, then PUBLISH at QoS 1 (the broker answers each with PUBACK). */
async function mqttPublish(port: number, topic: string, count: number): Promise<void> {
  const str = (s: string) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 255]), Buffer.from(s)]);
  const packet = (type: number, body: Buffer) => {
    const len: number[] = [];
    let x = body.length;
    do {
      len.push((x % 128) | (x >= 128 ? 128 : 0));
      x = Math.floor(x / 128);
    } while (x > 0);
    return Buffer.concat([Buffer.from([type, ...len]), body]);
  };
  // one fixed-size packet at a time: CONNACK and PUBACK are 4 bytes each
  const fixed = (size: number) => (b: Buffer) => (b.length >= size ? size : 0);
  const socket = await open(port);
  const next = reader(socket);
  socket.write(
    packet(
      0x10,
      Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(`${name}-mqtt`), str('guest'), str('guest')]),
    ),
  );
  const connack = await next(fixed(4));
  expect([connack[0], connack[3]], 'CONNACK accepted').toEqual([0x20, 0]);
  for (let id = 1; id <= count; id++) {
    socket.write(
      packet(0x32, Buffer.concat([str(topic), Buffer.from([id >> 8, id & 255]), Buffer.from(JSON.stringify({ id }))])),
    );
    const ack = await next(fixed(4));
    expect([ack[0], ack.readUInt16BE(2)]).toEqual([0x40, id]);
  }
  socket.end(Buffer.from([0xe0, 0]));
}

/** STOMP 1.2: CONNECT as guest, then SEND with a receipt each (frames end with NUL). */
async function stompSend(port: number, destination: string, count: number): Promise<void> {
  const socket = await open(port);
  const next = reader(socket);
  const frame = (b: Buffer) => {
    const end = b.indexOf(0);
    return end < 0 ? 0 : end + 1;
  };
  const text = async () => (await next(frame)).toString('utf8').replace(/^\n+/, '');
  socket.write('CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0');
  expect(await text()).toMatch(/^CONNECTED\n/);
  for (let i = 0; i < count; i++) {
    socket.write(
      `SEND\ndestination:${destination}\ncontent-type:application/json\nreceipt:r${i}\n\n${JSON.stringify({ i })}\0`,
    );
    expect(await text()).toMatch(new RegExp(`^RECEIPT\nreceipt-id:r${i}\n`));
  }
  socket.end('DISCONNECT\n\n\0');
}

describe('RabbitMQ tap on MQTT and STOMP publishes', () => {
  const config = rabbitTapConfig('rabbitmq-protocols.test.ts', {
    dataDir: tempDir('rollcall-rabbit-protocols'),
    database: 'rabbit_protocols',
    rabbitmq: `tap_queue: ${name}.tap, prefetch: 200`,
  });
  let vt: TestTap;
  let store: Store;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    // where the plugins listen, as the broker reports it
    const auth = { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') };
    const overview = (await (
      await fetch(`${config.rabbitmq.management_url}/api/overview`, { headers: auth })
    ).json()) as { listeners: { protocol: string; port: number }[] };
    for (const l of overview.listeners) ports[l.protocol] = l.port;
    const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
    vt = await startTestTap({ config, log, management });
    store = vt.store;
  });

  afterAll(async () => {
    await vt?.stop();
  });

  const publishes = (stream: string, routingKey: string) =>
    queryRows<{ n: string; users: string[] }>(
      store,
      `SELECT count() AS n, groupUniqArray(user) AS users FROM ${store.db}.events WHERE broker = 'rabbitmq' AND kind = 'publish' AND stream = {s:String} AND routing_key = {k:String}`,
      { s: stream, k: routingKey },
    ).then((r) => ({ n: Number(r[0]?.n ?? 0), users: r[0]?.users ?? [] }));
  /** The publishes to amq.topic with `routingKey` once N are stored, and a moment later: a second copy would show. */
  const storedOnce = async (routingKey: string, what: string) => {
    await waitUntil(
      () => publishes('amq.topic', routingKey),
      (p) => p.n >= N,
      30_000,
      what,
    );
    await new Promise((r) => setTimeout(r, 500));
    return publishes('amq.topic', routingKey);
  };

  it('counts each MQTT publish once, on amq.topic with the topic as routing key', { timeout: 60_000 }, async () => {
    expect(ports.mqtt, 'the rabbitmq_mqtt plugin listens (deploy/local/rabbitmq enables it)').toBeGreaterThan(0);
    // MQTT topic levels (/) become routing key words (.)
    await mqttPublish(ports.mqtt ?? 0, `${name}/mqtt/readings`, N);
    const key = `${name}.mqtt.readings`;
    expect(await storedOnce(key, 'the MQTT publishes to be stored')).toEqual({ n: N, users: ['guest'] });
  });

  it('counts each STOMP send once, on the exchange its destination names', { timeout: 60_000 }, async () => {
    expect(ports.stomp, 'the rabbitmq_stomp plugin listens (deploy/local/rabbitmq enables it)').toBeGreaterThan(0);
    const key = `${name}.stomp.orders`;
    await stompSend(ports.stomp ?? 0, `/exchange/amq.topic/${key}`, N);
    expect(await storedOnce(key, 'the STOMP sends to be stored')).toEqual({ n: N, users: ['guest'] });
  });
});
