import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../load/options.ts';
import { recordParams, scenarioKey, scenarioSlug } from './scenario.ts';

const defaults = {
  kafkaBrokers: ['127.0.0.1:9092'],
  rabbitUrl: 'amqp://guest:secret@127.0.0.1:5672',
  managementUrl: 'http://127.0.0.1:15672',
};
const keyOf = (argv: string) => {
  const o = parseRunOptions(argv.split(' '), defaults);
  return scenarioKey(o.label, recordParams(o.load, o.thresholds));
};

describe('scenarioKey', () => {
  it('names the broker and every parameter that makes runs comparable', () => {
    expect(keyOf('--broker kafka')).toBe(
      'kafka size=200 producers=1 consumers=1 rate=max acks=all idempotent=off partitions=3',
    );
    expect(keyOf('--broker rabbitmq --size 4096 --rate 1000 --confirms --persistent --queues 2')).toBe(
      'rabbitmq size=4096 producers=1 consumers=1 rate=1000 confirms=on persistent=on queues=2',
    );
  });

  it('leaves out duration and drain, and separates labelled scenarios and explicit tuning', () => {
    expect(keyOf('--broker kafka --duration 3s --drain 1s')).toBe(keyOf('--broker kafka --duration 60s'));
    expect(keyOf('--broker kafka --scenario nightly')).toBe(`nightly: ${keyOf('--broker kafka')}`);
    expect(keyOf('--broker kafka --batch 100 --in-flight 2')).toBe(`${keyOf('--broker kafka')} batch=100 in-flight=2`);
    expect(keyOf('--broker kafka --acks 1')).not.toBe(keyOf('--broker kafka'));
  });

  it('records the target without credentials', () => {
    const o = parseRunOptions(['--broker', 'rabbitmq'], defaults);
    expect(recordParams(o.load, o.thresholds)).toMatchObject({
      target: 'amqp://127.0.0.1:5672',
      effective: { batch: 100, inFlight: 4, prefetch: 1000 },
    });
  });
});

describe('scenarioSlug', () => {
  it('makes a short file-name-safe form', () => {
    expect(
      scenarioSlug('nightly: kafka size=200 producers=1 consumers=1 rate=max acks=all idempotent=off partitions=3'),
    ).toBe('nightly-kafka-size-200-p1-c1-rate-max-acks-all-idem-off-part3');
  });
});
