// `rollcall rules check|backtest`: validate rule files before they go live, and replay one over history.
import { join, resolve } from 'node:path';
import type { Keeping } from '@rollcall/core/audit';
import type { Config } from '@rollcall/core/config/schema';
import { parseDuration } from '@rollcall/contract/duration';
import { openStore } from '@rollcall/core/store';
import { backtest } from '@rollcall/rules/backtest';
import { OUTSIDE_SCHEDULE } from '@rollcall/rules/evaluate-rule';
import { listRuleFiles, readRuleFile, RuleFileError } from '@rollcall/rules/files';

export class RulesCliError extends Error {}

/** Prints one line per file; returns the exit code (1 when any file is invalid). */
export function checkRules(dir: string, out: (line: string) => void, audit?: Keeping): number {
  const files = ruleFilesIn(dir);
  if (files.length === 0) throw new RulesCliError(`no *.yaml rule files in ${resolve(dir)}`);
  let bad = 0;
  for (const file of files) {
    const path = join(dir, file);
    try {
      const rules = readRuleFile(path, audit);
      out(
        `ok      ${path}: ${rules.length} rule${rules.length === 1 ? '' : 's'} (${rules.map((r) => r.id).join(', ')})`,
      );
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      bad++;
      out(`invalid ${err.message}`);
    }
  }
  return bad ? 1 : 0;
}

function ruleFilesIn(dir: string): string[] {
  try {
    return listRuleFiles(dir);
  } catch (err) {
    throw err instanceof RuleFileError ? new RulesCliError(err.message) : err;
  }
}

/** `--from 2026-11-01T00:00Z` or `--from 7d` (ago); `--to` defaults to now. */
export function parseTime(text: string | undefined, now: number, flag: string): number {
  if (text === undefined) return now;
  const ago = parseDuration(text);
  if (ago !== undefined) return now - ago;
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new RulesCliError(
      `--${flag}: expected an ISO time such as 2026-11-01T00:00Z or a duration ago such as 7d, got "${text}"`,
    );
  return at;
}

export async function backtestRule(
  config: Config,
  dir: string,
  id: string,
  from: number,
  to: number,
  out: (line: string) => void,
): Promise<number> {
  const broken: string[] = [];
  const rule = ruleFilesIn(dir)
    .flatMap((file) => {
      try {
        return readRuleFile(join(dir, file));
      } catch (err) {
        // Another file's problem does not stop a backtest of a rule that loads.
        if (!(err instanceof RuleFileError)) throw err;
        broken.push(err.message);
        return [];
      }
    })
    .find((r) => r.id === id);
  if (!rule)
    throw new RulesCliError(
      [`no rule "${id}" in ${resolve(dir)}`, ...(broken.length ? ['these files do not load:', ...broken] : [])].join(
        '\n',
      ),
    );
  if (from >= to) throw new RulesCliError('--from must be before --to');
  const store = await openStore(config.clickhouse);
  try {
    const result = await backtest(store, rule, from, to, { coverage: true });
    const judged = result.steps.filter(
      (s) => !s.evaluation.skipped && s.evaluation.expected !== OUTSIDE_SCHEDULE,
    ).length;
    const unwatched = result.steps.filter((s) => s.decision === 'not watched').length;
    out(
      `${rule.id}: ${result.steps.length} evaluations from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}, ${judged} judged${unwatched ? `, ${unwatched} not watched (a tap was down)` : ''}`,
    );
    if (result.fired.length === 0) out('would not have fired');
    for (const f of result.fired)
      out(
        `FIRING  ${new Date(f.from).toISOString()} → ${f.to ? new Date(f.to).toISOString() : 'still firing'}  ${f.summary}`,
      );
    return 0;
  } finally {
    await store.close();
  }
}
