// Charts of windows draw no line across a stretch where there are no windows at all.

/** Rows with a break where windows are missing altogether (the engine did not run, or the rule was not loaded): a
 * row of nulls one step after the last window before the hole, so no line is drawn across it. */
export function withBreaks<R extends { t: number }>(rows: R[], empty: (t: number) => R): R[] {
  const steps = rows
    .slice(1)
    .map((r, i) => r.t - (rows[i]?.t ?? r.t))
    .filter((d) => d > 0)
    .sort((x, y) => x - y);
  const step = steps[Math.floor(steps.length / 2)];
  if (step === undefined) return rows;
  return rows.flatMap((r, i) => {
    const previous = rows[i - 1];
    return previous && r.t - previous.t > 2 * step ? [empty(previous.t + step), r] : [r];
  });
}
