import { describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { kafkaClientOptions } from './client-options.ts';

describe('kafkaClientOptions', () => {
  it('passes TLS and SASL through, with the password from the environment', () => {
    const { kafka } = parseConfig(
      'kafka:\n  brokers: [k1:9093]\n  ssl: true\n  sasl: { mechanism: scram-sha-512, username: rollcall }\n',
      'rollcall.yaml',
      { ROLLCALL_KAFKA_SASL_PASSWORD: 's3cret' },
    );
    expect(kafkaClientOptions(kafka)).toEqual({
      clientId: 'rollcall',
      brokers: ['k1:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'rollcall', password: 's3cret' },
    });
  });

  it('says where the SASL password should come from when it is missing', () => {
    expect(() =>
      parseConfig('kafka:\n  sasl:\n    mechanism: plain\n    username: rollcall\n', 'rollcall.yaml', {}),
    ).toThrow(/rollcall\.yaml:2: kafka\.sasl\.password: .*ROLLCALL_KAFKA_SASL_PASSWORD/);
  });

  it('connects in plain text by default', () => {
    expect(kafkaClientOptions(parseConfig('', 'x', {}).kafka)).toEqual({
      clientId: 'rollcall',
      brokers: ['127.0.0.1:9092'],
      ssl: false,
    });
  });
});
