// The rules the detection benchmark runs, written as an operator would write them for these streams. The
// `confidence` and `resolve_for` settings are used when this build's rule schema knows them.
import { parseRuleFile, RuleFileError } from '@rollcall/rules/files';
import type { Rule } from '@rollcall/rules/rule';

/** Settings of the rules that decide with a significance test (ratio, baseline), when the schema has them. */
const SIGNIFICANCE = `    confidence: 0.999
    resolve_for: 2m
`;

/** How the two busiest streams are held to their weekly pattern: four weeks of history, a 30% drop over 5m. */
const WEEKLY_BASELINE = `    season: week
    seasons: 4
    min_history: 3
    drop: 30
    window: 5m
    every: 2m
    delay: 15s
`;

const rulesYaml = (significance: string): string => `# Rules of the detection benchmark (bench/src/detection/rules.ts).
rules:
  - id: ledger-fresh
    description: The ledger writer publishes continuously (5 msg/s nominal, never below 1 msg/s)
    severity: critical
    type: freshness
    match: { broker: kafka, stream: ledger.entries }
    max_silence: 30s
    window: 1m
    every: 20s
    delay: 5s

  - id: cards-published-per-request
    description: Every authorization request is published to RabbitMQ (the demo's rule, judged per event-time minute)
    severity: critical
    type: ratio
    a: { broker: kafka, stream: card.requests }
    b: { broker: rabbitmq, stream: cards }
    lo: 0.9
    hi: 1.1
    min_count: 20
    window: 1m
    every: 1m
    delay: 15s
${significance}
  - id: payments-settled-per-authorized
    description: About 98% of authorized payments settle
    severity: critical
    type: ratio
    a: { broker: kafka, stream: payments.authorized }
    b: { broker: rabbitmq, stream: payments.settled }
    lo: 0.96
    hi: 1.0
    min_count: 100
    window: 1m
    every: 1m
    delay: 15s
${significance}
  - id: payments-settled-baseline
    description: Settlements follow last weeks' pattern
    severity: warning
    type: baseline
    match: { broker: rabbitmq, stream: payments.settled }
${WEEKLY_BASELINE}${significance}
  - id: clicks-baseline
    description: Click traffic follows last weeks' pattern
    severity: warning
    type: baseline
    match: { broker: kafka, stream: clicks }
${WEEKLY_BASELINE}${significance}
  # group_by slices are not implemented yet: the visa slice is watched by a rule on its own match.
  - id: visa-authorizations-baseline
    description: Visa authorizations follow last weeks' pattern
    severity: critical
    type: baseline
    match: { broker: rabbitmq, stream: authorizations, source: visa }
    season: week
    seasons: 4
    min_history: 3
    drop: 30
    window: 1m
    every: 1m
    delay: 15s
${significance}
  - id: fraud-scores-unique
    description: Fraud scores are not published twice
    severity: warning
    type: duplicates
    match: { broker: kafka, stream: fraud.scores }
    max_share: 2
    window: 5m
    every: 5m
    delay: 15s

  - id: fraud-scored-shape
    description: FraudScored keeps its payload shape
    severity: info
    type: schema
    match: { broker: kafka, stream: fraud.scores, event_type: FraudScored }
    window: 5m
    every: 1m
    delay: 15s
`;

export interface BenchRules {
  rules: Rule[];
  yaml: string;
  /** Whether confidence and resolve_for were accepted by this build's rule schema. */
  significance: boolean;
}

/** The benchmark's rules, with confidence and resolve_for when the schema accepts them. */
export function benchRules(): BenchRules {
  const withSignificance = rulesYaml(SIGNIFICANCE);
  try {
    return { rules: parseRuleFile(withSignificance, 'detection.yaml'), yaml: withSignificance, significance: true };
  } catch (err) {
    if (!(err instanceof RuleFileError) || !/confidence|resolve_for/.test(err.message)) throw err;
    const plain = rulesYaml('');
    return { rules: parseRuleFile(plain, 'detection.yaml'), yaml: plain, significance: false };
  }
}
