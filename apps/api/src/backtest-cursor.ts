// A paged backtest's cursor: the replay's resume point (the rules engine's lifecycle) as the contract carries it
// between pages, and back.
import { encodeBacktestCursor, type BacktestCursor } from '@rollcall/contract/backtest-cursor';
import type { BacktestResume } from '@rollcall/rules/backtest';
import type { Rule } from '@rollcall/rules/rule';

/** The page's `next`: where the replay of `rule` goes on. */
export function nextCursor(rule: Rule, resume: BacktestResume): string {
  const { state, activeAt, firingAt, cleanFor } = resume.status;
  const open = resume.open;
  return encodeBacktestCursor({
    rule: rule.id,
    every: rule.every,
    end: resume.end,
    state,
    ...(activeAt === undefined ? {} : { active_at: activeAt }),
    ...(firingAt === undefined ? {} : { firing_at: firingAt }),
    ...(cleanFor === undefined ? {} : { clean_for: cleanFor }),
    ...(open
      ? { open: { from: open.from, value: Number.isFinite(open.value) ? open.value : null, summary: open.summary } }
      : {}),
  });
}

/** The replay's state from a request's (decoded, checked) `cursor`. */
export function resumeOf(cursor: BacktestCursor): BacktestResume {
  const status: BacktestResume['status'] = { state: cursor.state };
  if (cursor.active_at !== undefined) status.activeAt = cursor.active_at;
  if (cursor.firing_at !== undefined) status.firingAt = cursor.firing_at;
  if (cursor.clean_for !== undefined) status.cleanFor = cursor.clean_for;
  const open = cursor.open && {
    from: cursor.open.from,
    value: cursor.open.value ?? Number.NaN,
    summary: cursor.open.summary,
  };
  return { end: cursor.end, status, open };
}
