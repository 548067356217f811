// The rule types judged on a share of keys against a maximum percentage: completeness (keys missing on B) and
// duplicates (keys repeated).
import type { Evaluation } from '../result.ts';

export interface KeyShare {
  /** Keys that count against the rule (missing, repeated) of `whole`. */
  part: number;
  whole: number;
  /** The largest share allowed, in percent. */
  max: number;
  expected: string;
  /** What the rule watches, in front of the summary. */
  subject: string;
  /** Why a window with no keys cannot be judged. */
  none: string;
  /** The summary after the subject, given the share in percent. */
  summary: (share: number) => string;
  details: Record<string, unknown>;
}

/** The share in percent to two decimals, breached above the maximum; a window with no keys is not judged. */
export function judgeKeyShare({ part, whole, max, expected, subject, none, summary, details }: KeyShare): Evaluation {
  if (whole === 0)
    return { value: 0, threshold: max, breached: false, expected, summary: `${subject}: ${none}`, skipped: none };
  const share = Math.round((part / whole) * 10_000) / 100;
  return {
    value: share,
    threshold: max,
    breached: share > max,
    expected,
    summary: `${subject}: ${summary(share)}`,
    details,
  };
}
