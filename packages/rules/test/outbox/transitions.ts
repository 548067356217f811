// Alert transitions for the outbox tests: a volume rule's alert on kafka orders, with what a test does not look at
// filled in.
import { transitionId, type Transition } from '../../src/alerts/alert-store.ts';

/** The alert `fingerprint` (of rule `rule-<fingerprint>`) moving to `to` at `at`; `over` sets the rest. */
export function testTransition(
  fingerprint: string,
  to: Transition['to_state'],
  at: number,
  over: Partial<Transition> = {},
): Transition {
  return {
    id: transitionId(fingerprint, to, at),
    at,
    fingerprint,
    rule_id: `rule-${fingerprint}`,
    rule_type: 'volume',
    description: 'd',
    severity: 'critical',
    labels: { rule_id: `rule-${fingerprint}` },
    stream: 'kafka orders (publish)',
    from_state: 'pending',
    to_state: to,
    active_at: at,
    firing_at: to === 'firing' ? at : null,
    value: 3,
    threshold: 10,
    expected: 'at least 10 per 5m',
    summary: 'too few',
    details: '{}',
    routes: [],
    ...over,
  };
}
