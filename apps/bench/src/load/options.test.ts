import { describe, expect, it } from 'vitest';
import { effectiveTuning, OptionsError, parseRunOptions, redactUrl } from './options.ts';

const defaults = {
  kafkaBrokers: ['127.0.0.1:9092'],
  rabbitUrl: 'amqp://guest:guest@127.0.0.1:5672',
  managementUrl: 'http://127.0.0.1:15672',
};
const parse = (...argv: string[]) => parseRunOptions(argv, defaults);

describe('parseRunOptions', () => {
  it('defaults to one producer and consumer, 200 B at full speed for 10 s, connections from the config', () => {
    expect(parse('--broker', 'kafka')).toMatchObject({
      load: {
        broker: 'kafka',
        brokers: ['127.0.0.1:9092'],
        producers: 1,
        consumers: 1,
        size: 200,
        rate: 0,
        durationMs: 10_000,
        acks: 'all',
        idempotent: false,
        partitions: 3,
        tuning: {},
      },
      label: '',
      baseline: false,
      thresholds: { maxDrop: 0.1, maxP99Rise: 0.2 },
      json: false,
    });
    expect(parse('--broker', 'rabbitmq').load).toMatchObject({
      url: defaults.rabbitUrl,
      managementUrl: defaults.managementUrl,
      confirms: false,
      persistent: false,
      queues: 1,
    });
  });

  it('reads every flag of a run', () => {
    const o = parse(
      ...'--broker rabbitmq --url amqp://u:p@mq:5672/vh --producers 2 --consumers 3 --size 4096 --rate 5_000 --duration 1.5s --drain 2s --confirms --persistent --queues 4 --prefetch 200 --batch 10 --in-flight 2 --scenario nightly --baseline --max-drop 5% --max-p99-rise 50 --store /tmp/x --results /tmp/r --json --fail-on-regression --broker-version 3.13'.split(
        ' ',
      ),
    );
    expect(o).toMatchObject({
      load: {
        broker: 'rabbitmq',
        url: 'amqp://u:p@mq:5672/vh',
        producers: 2,
        consumers: 3,
        size: 4096,
        rate: 5000,
        durationMs: 1500,
        drainMs: 2000,
        confirms: true,
        persistent: true,
        queues: 4,
        tuning: { prefetch: 200, batch: 10, inFlight: 2 },
        brokerVersion: '3.13',
      },
      label: 'nightly',
      baseline: true,
      thresholds: { maxDrop: 0.05, maxP99Rise: 0.5 },
      store: '/tmp/x',
      resultsDir: '/tmp/r',
      json: true,
      failOnRegression: true,
    });
    expect(parse('--broker', 'kafka', '--rate', 'max', '--acks', '1').load).toMatchObject({ rate: 0, acks: '1' });
    expect(parse('--broker', 'kafka', '--acks=-1', '--idempotent').load).toMatchObject({
      acks: 'all',
      idempotent: true,
    });
  });

  it('names the flag it rejects', () => {
    const rejects = (argv: string, message: RegExp) => expect(() => parse(...argv.split(' '))).toThrow(message);
    rejects('--broker nats', /^--broker: expected kafka or rabbitmq, got "nats"$/);
    expect(() => parse()).toThrow(/^--broker: expected kafka or rabbitmq, got nothing$/);
    rejects('--broker kafka --size 10', /^--size: expected an integer from 63 to \d+ bytes, got "10"$/);
    rejects('--broker kafka --producers 0', /^--producers:/);
    rejects('--broker kafka --rate fast', /^--rate:/);
    rejects('--broker kafka --duration 10', /^--duration: expected a duration/);
    rejects('--broker kafka --acks 2', /^--acks: expected all, 1 or 0/);
    rejects('--broker kafka --acks 1 --idempotent', /^--idempotent: needs --acks all/);
    rejects('--broker kafka --brokers localhost', /^--brokers: expected host:port/);
    rejects('--broker kafka --confirms', /^--confirms: applies to RabbitMQ only/);
    rejects('--broker rabbitmq --partitions 3', /^--partitions: applies to Kafka only/);
    rejects('--broker rabbitmq --url http://mq', /^--url: expected an amqp/);
    rejects('--broker kafka --max-drop lots', /^--max-drop:/);
    rejects('--broker kafka --scenario a;b', /^--scenario:/);
    rejects('--broker kafka --bogus', /--bogus/);
    expect(() => parse('--broker', 'kafka', '--bogus')).toThrow(OptionsError);
  });
});

describe('redactUrl', () => {
  it('drops user and password', () => {
    expect(redactUrl('amqp://guest:secret@127.0.0.1:5672/vh')).toBe('amqp://127.0.0.1:5672/vh');
    expect(redactUrl('amqp://127.0.0.1')).toBe('amqp://127.0.0.1');
  });
});

describe('effectiveTuning', () => {
  it('sizes Kafka sends to a few hundred KiB and keeps explicit settings', () => {
    const kafka = parse('--broker', 'kafka').load;
    expect(effectiveTuning(kafka)).toEqual({ batch: 970, inFlight: 4, prefetch: 1000 });
    expect(effectiveTuning({ ...kafka, size: 4096 })).toMatchObject({ batch: 62 });
    expect(effectiveTuning({ ...kafka, tuning: { batch: 5, inFlight: 1 } })).toMatchObject({ batch: 5, inFlight: 1 });
  });
});
