import { describe, expect, it } from 'vitest';
import type { Keeping } from '@rollcall/core/audit';
import { parseRuleFile } from './files.ts';

const audit: Keeping = {
  default: 'rows',
  rabbitmq_trace: 'all',
  streams: [
    { match: '^clicks$', level: 'counts' },
    { match: '^payments\\.', level: 'keys' },
    { match: '^audit-only$', broker: 'rabbitmq', level: 'counts' },
  ],
};

const error = (text: string, config: Keeping = audit): string => {
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
    expect(error(glob, { default: 'counts', streams: [], rabbitmq_trace: 'all' })).toMatch(
      /x\.yaml:4: rules\.0\.match\.stream: audit\.default is counts, but duplicates rules read each message's message_id/,
    );
  });

  it('with publish-only tracing, takes delivery counts per exchange and refuses what reads each delivery', () => {
    const publishOnly: Keeping = { ...audit, rabbitmq_trace: 'publish' };
    const ratio = (b: string) =>
      `rules:\n  - id: r\n    type: ratio\n    a: { stream: cards }\n    b: ${b}\n    lo: 0.9\n`;
    expect(error(ratio('{ stream: cards, kind: deliver }'), publishOnly)).toBe('no error');
    expect(error(ratio('{ stream: cards, kind: deliver, event_type: CardAuthorized }'), publishOnly)).toBe(
      'rules.d/x.yaml:5: rules.0.b.event_type: rabbitmq.trace is publish, so RabbitMQ deliveries are only counted per queue, but an event_type match reads each delivery (set rabbitmq.trace: all in rollcall.yaml)',
    );
    expect(error(ratio('{ stream: cards, kind: deliver, event_type: CardAuthorized }'))).toBe('no error');
    const completeness = `rules:\n  - id: c\n    type: completeness\n    a: { stream: cards }\n    b: { stream: cards, kind: deliver }\n`;
    expect(error(completeness, publishOnly)).toMatch(
      /x\.yaml:5: rules\.0\.b\.stream: rabbitmq\.trace is publish, .* but completeness rules read each message's correlation_id/,
    );
    // Kafka has no deliveries, and publishes are traced as before.
    expect(error(`rules:\n  - id: d\n    type: duplicates\n    match: { stream: cards }\n`, publishOnly)).toBe(
      'no error',
    );
  });
});
