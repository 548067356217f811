import { describe, expect, it } from 'vitest';
import type { AuditConfig } from '@rollcall/core/config/schema';
import { parseRuleFile } from './files.ts';

const audit: AuditConfig = {
  default: 'rows',
  streams: [
    { match: '^clicks$', level: 'counts' },
    { match: '^payments\\.', level: 'keys' },
    { match: '^audit-only$', broker: 'rabbitmq', level: 'counts' },
  ],
};

const error = (text: string, config: AuditConfig = audit): string => {
  try {
    parseRuleFile(text, 'rules.d/x.yaml', config);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('rules against the audit levels of their streams', () => {
  it('refuses a completeness rule on a counts stream, naming file, line, field and the fix', () => {
    const text = `rules:
  - id: every-click-scored
    type: completeness
    a: { broker: kafka, stream: clicks }
    b: { broker: kafka, stream: scores }
`;
    expect(error(text)).toBe(
      'rules.d/x.yaml:4: rules.0.a.stream: kafka stream "clicks" is audited at counts, but completeness rules read each message\'s correlation_id, which needs keys (set audit.streams in rollcall.yaml)',
    );
  });

  it('takes volume, baseline and ratio rules over whole minutes on a counts stream', () => {
    const text = `rules:
  - id: clicks-floor
    type: volume
    match: { stream: clicks }
    min: 10
  - id: clicks-per-view
    type: ratio
    a: { stream: views }
    b: { stream: clicks }
    lo: 0.1
`;
    expect(error(text)).toBe('no error');
  });

  it('needs rows for schema rules and routed matches, keys for routing keys and windows of seconds', () => {
    expect(error(`rules:\n  - id: s\n    type: schema\n    match: { stream: payments.in }\n`)).toMatch(
      /^rules\.d\/x\.yaml:4: rules\.0\.match\.stream: kafka stream "payments\.in" is audited at keys, but schema rules read payload shapes, which needs rows/,
    );
    expect(
      error(`rules:\n  - id: r\n    type: volume\n    match: { stream: clicks, routing_key: 'eu.*' }\n    min: 1\n`),
    ).toMatch(/x\.yaml:4: rules\.0\.match\.routing_key: .* "clicks" is audited at counts, but a routing-key match/);
    expect(
      error(
        `rules:\n  - id: w\n    type: volume\n    match: { stream: clicks }\n    window: 30s\n    every: 30s\n    min: 1\n`,
      ),
    ).toMatch(/audited at counts, but windows that are not whole minutes read each message, which needs keys/);
    expect(error(`rules:\n  - id: d\n    type: duplicates\n    match: { broker: kafka, stream: payments.out }\n`)).toBe(
      'no error',
    );
  });

  it('keeps RabbitMQ counts streams as keys, and checks globs against audit.default', () => {
    expect(
      error(`rules:\n  - id: d\n    type: duplicates\n    match: { broker: rabbitmq, stream: audit-only }\n`),
    ).toBe('no error');
    const glob = `rules:\n  - id: d\n    type: duplicates\n    match: { stream: 'card.*' }\n`;
    expect(error(glob)).toBe('no error');
    expect(error(glob, { default: 'counts', streams: [] })).toMatch(
      /x\.yaml:4: rules\.0\.match\.stream: audit\.default is counts, but duplicates rules read each message's message_id/,
    );
  });
});
