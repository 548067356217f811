// Which of a rule's windows have a value to draw: the judged ones (breached, clean) and those whose bound was crossed
// by too few events to tell from chance (measured, deciding nothing). The rest (waiting, not watched, skipped) were
// not judged: a gap, never a zero.
import type { Decision } from './queries.ts';

export const judged = (d: Decision): boolean => d === 'breached' || d === 'clean';

export const measured = (d: Decision): boolean => judged(d) || d === 'not significant';
