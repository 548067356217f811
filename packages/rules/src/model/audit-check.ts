// A rule can only judge what the taps keep: at load time, each rule's streams must be audited at a level
// (core/src/audit.ts) that keeps what the rule reads, or the file is refused with the line that asks for it.
import { auditLevels, keeps, keptLevel, type AuditLevel, type Keeping } from '@rollcall/core/audit';
import type { Broker } from '@rollcall/core/event';
import type { Match, Rule } from './rule.ts';

const MINUTE = 60_000;
const GLOB = /[*?]/;

export interface LevelNeed {
  level: AuditLevel;
  /** What the rule reads that needs it, and the field (under the match) that asks for it. */
  why: string;
  field: string;
}

/** The least a stream must keep for this rule to judge `match`. */
export function levelNeeded(rule: Rule, match: Match): LevelNeed {
  if (rule.type === 'schema') return { level: 'rows', why: 'schema rules read payload shapes', field: 'stream' };
  if (match.routed !== undefined)
    return { level: 'rows', why: '`routed` reads the queues each publish reached', field: 'routed' };
  if (rule.type === 'completeness' || rule.type === 'duplicates')
    return { level: 'keys', why: `${rule.type} rules read each message's ${rule.key}`, field: 'stream' };
  if (match.routing_key !== undefined)
    return { level: 'keys', why: 'a routing-key match reads each message', field: 'routing_key' };
  if ('group_by' in rule && rule.group_by === 'routing_key')
    return { level: 'keys', why: 'slicing by routing key reads each message', field: 'stream' };
  if (rule.type !== 'lag' && rule.type !== 'freshness' && (rule.window % MINUTE !== 0 || rule.every % MINUTE !== 0))
    return { level: 'keys', why: 'windows that are not whole minutes read each message', field: 'stream' };
  return { level: 'counts', why: '', field: 'stream' };
}

/** The matches of a rule, by their key in the file. */
function matchesOf(rule: Rule): [string, Match][] {
  if (rule.type === 'ratio' || rule.type === 'completeness')
    return [
      ['a', rule.a],
      ['b', rule.b],
    ];
  return rule.type === 'lag' ? [] : [['match', rule.match]];
}

export interface AuditProblem {
  /** Path of the offending field in the file, for its line. */
  path: (string | number)[];
  message: string;
}

/** With publish-only tracing a RabbitMQ delivery is only counted per queue and exchange: what in a match asks for
 * more (the field, and why), or undefined. */
function deliveryDetail(rule: Rule, match: Match, need: LevelNeed): { field: string; why: string } | undefined {
  if (need.level !== 'counts') return { field: need.field, why: need.why };
  if (match.event_type !== undefined) return { field: 'event_type', why: 'an event_type match reads each delivery' };
  if (match.source !== undefined) return { field: 'source', why: 'a source match reads each delivery' };
  if ('group_by' in rule && rule.group_by !== undefined)
    return { field: 'stream', why: `slicing by ${rule.group_by} reads each delivery` };
  return undefined;
}

/** Every match whose stream is kept at too low a level. A named stream is checked against its own level; a glob
 * or no stream at all against audit.default (patterns cannot be compared with patterns). */
export function auditProblems(rules: Rule[], audit: Keeping): AuditProblem[] {
  const levelOf = auditLevels(audit);
  const problems: AuditProblem[] = [];
  rules.forEach((rule, i) => {
    for (const [key, match] of matchesOf(rule)) {
      const need = levelNeeded(rule, match);
      const deliveries = match.kind === 'deliver' && match.broker !== 'kafka' && audit.rabbitmq_trace === 'publish';
      const detail = deliveries ? deliveryDetail(rule, match, need) : undefined;
      if (detail) {
        problems.push({
          path: ['rules', i, key, match[detail.field as keyof Match] !== undefined ? detail.field : 'stream'],
          message: `rabbitmq.trace is publish, so RabbitMQ deliveries are only counted per queue, but ${detail.why} (set rabbitmq.trace: all in rollcall.yaml)`,
        });
        continue;
      }
      if (need.level === 'rows' && audit.default === 'rows' && audit.streams.length === 0) continue;
      const brokers: Broker[] = match.broker ? [match.broker] : ['kafka', 'rabbitmq'];
      const named = match.stream !== undefined && !GLOB.test(match.stream);
      for (const broker of brokers) {
        const level = keptLevel(broker, named ? levelOf(broker, match.stream ?? '') : audit.default);
        if (keeps(level, need.level)) continue;
        const what = named ? `${broker} stream "${match.stream}" is audited at ${level}` : `audit.default is ${level}`;
        problems.push({
          path: ['rules', i, key, match[need.field as keyof Match] !== undefined ? need.field : 'stream'],
          message: `${what}, but ${need.why}, which needs ${need.level} (set audit.streams in rollcall.yaml)`,
        });
        break;
      }
    }
  });
  return problems;
}
