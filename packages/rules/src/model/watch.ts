// Which streams a rule watches, decided in JS with the same glob semantics as the SQL (`*` and `?`), so the
// API can show a stream's rules and colour the flow map by the alerts that cover each stream.
import type { Match, Rule } from './rule.ts';

const globCache = new Map<string, RegExp>();

export function globMatches(glob: string, value: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    re = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      's',
    );
    globCache.set(glob, re);
  }
  return re.test(value);
}

export function matchCovers(match: Match, broker: string, stream: string): boolean {
  return (
    (match.broker === undefined || match.broker === broker) &&
    (match.stream === undefined || globMatches(match.stream, stream))
  );
}

/** The matches a rule counts: one for most types, A and B for ratio and completeness, none for lag (it watches
 * consumers, not streams). */
export const matchesOf = (rule: Rule): Match[] =>
  rule.type === 'lag' ? [] : 'match' in rule ? [rule.match] : [rule.a, rule.b];

export const ruleWatches = (rule: Rule, broker: string, stream: string): boolean =>
  matchesOf(rule).some((m) => matchCovers(m, broker, stream));
