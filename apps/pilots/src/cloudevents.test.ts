// The pilots' Kafka records must carry exactly what the collector extracts: event type, source, message id,
// correlation id and trace id from the CloudEvents binary-mode headers.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { kafkaRecordToEvent } from '@rollcall/collector/metadata/kafka';
import { fromKafka, newEvent, toKafka } from './cloudevents.ts';

const extract = parseConfig('{}', 'test.yaml', {}).extract;

describe('CloudEvents on Kafka', () => {
  it('are read by the collector as the pilot meant them', () => {
    const cause = newEvent('EmployeeHired', 'hr-service', 'emp-1', { employee_id: 'emp-1' });
    const event = newEvent(
      'AccountsProvisioned',
      'engineering-onboarding',
      'emp-1',
      { employee_id: 'emp-1', accounts: ['github'] },
      cause,
    );
    const message = toKafka(event);
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    const { row, paths } = kafkaRecordToEvent(
      {
        key: Buffer.from(String(message.key)),
        value: Buffer.from(String(message.value)),
        timestamp: String(Date.now()),
        offset: '0',
        headers,
      },
      { cluster: 'c', topic: 'onboarding.accounts', partition: 0, observedAt: Date.now(), extract },
    );
    expect(row).toMatchObject({
      event_type: 'AccountsProvisioned',
      source: 'engineering-onboarding',
      message_id: event.id,
      correlation_id: 'emp-1',
      parse_error: '',
    });
    // the caused event continues its cause's trace
    expect(row.trace_id).toBe(cause.traceparent.split('-')[1]);
    expect(paths).toEqual(['/accounts', '/employee_id']);
  });

  it('round-trip through a consumer', () => {
    const event = newEvent('FraudScored', 'fraud-service', 'auth-1', { score: 7 });
    const message = toKafka(event);
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    expect(fromKafka({ headers, value: Buffer.from(String(message.value)) })).toEqual(event);
    expect(fromKafka({ headers: {}, value: Buffer.from('{}') })).toBeUndefined();
    expect(fromKafka({ headers, value: Buffer.from('not json') })).toBeUndefined();
  });
});
