// A paged backtest as one answer: the windows of every page loaded so far, each firing once (a firing open across
// pages comes again in each; the latest says how it ended) and how far the replay has got.
import type { Backtest } from '@rollcall/contract/rules';

export interface BacktestSoFar {
  from: string;
  to: string;
  windows: Backtest['windows'];
  firings: Backtest['firings'];
  /** windows replayed so far, of all the windows in the range */
  done: number;
  total: number;
  /** the last page is in: nothing is left to replay */
  complete: boolean;
}

export function backtestSoFar(pages: Backtest[]): BacktestSoFar | undefined {
  const first = pages[0];
  const last = pages.at(-1);
  if (!first || !last) return undefined;
  const firings = new Map<string, Backtest['firings'][number]>();
  for (const page of pages) for (const f of page.firings) firings.set(f.from, f);
  return {
    from: first.from,
    to: first.to,
    windows: pages.flatMap((p) => p.windows),
    firings: [...firings.values()],
    done: last.progress.done,
    total: last.progress.total,
    complete: last.next === null,
  };
}
