// How unlikely a count is under a model of normal traffic: tail probabilities of the binomial, Poisson and
// negative binomial distributions, computed exactly through the regularized incomplete beta and gamma
// functions (continued fractions, Numerical Recipes ch. 6), so they hold from a handful of events to millions
// without a switch to a normal approximation, and stay accurate far out in the tail (p = 1e-12 and below).

/** What a ratio or baseline window says when its bound was crossed by too few events to tell from chance: the window
 * was measured but decides nothing (backtest.ts's decisionOf reads it). */
export const NOT_SIGNIFICANT = 'not significant';

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0] ?? 0;
  for (let i = 1; i < c.length; i++) sum += (c[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function. */
export function betaRegularized(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The fraction converges fast on this side of the mean; the other side is its mirror image.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(s, x), the regularized lower incomplete gamma function. */
export function gammaLower(s: number, x: number): number {
  if (x <= 0) return 0;
  if (x < s + 1) {
    // series
    let term = 1 / s;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (s + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(-x + s * Math.log(x) - lnGamma(s));
  }
  return 1 - gammaUpper(s, x);
}

/** Q(s, x) = 1 − P(s, x), computed directly so a small upper tail keeps its precision. */
export function gammaUpper(s: number, x: number): number {
  if (x <= 0) return 1;
  if (x < s + 1) return 1 - gammaLower(s, x);
  let b = x + 1 - s;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + s * Math.log(x) - lnGamma(s)) * h;
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialAtMost(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  return betaRegularized(1 - p, n - k, k + 1);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  return betaRegularized(p, k, n - k + 1);
}

/** P(X ≤ k) for X ~ Poisson(mean). */
export function poissonAtMost(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  return gammaUpper(Math.floor(k) + 1, mean);
}

/** P(X ≥ k) for X ~ Poisson(mean). */
export function poissonAtLeast(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  return gammaLower(Math.ceil(k), mean);
}

/** Negative binomial with this mean and variance as (r, p): the number of failures before the r-th success. */
function negativeBinomial(mean: number, variance: number): { r: number; p: number } {
  const r = (mean * mean) / (variance - mean);
  return { r, p: r / (r + mean) };
}

/** P(X ≤ k) for a count with this mean and variance: negative binomial when overdispersed, else Poisson. */
export function countAtMost(k: number, mean: number, variance: number): number {
  if (variance <= mean * (1 + 1e-9)) return poissonAtMost(k, mean);
  if (k < 0) return 0;
  const { r, p } = negativeBinomial(mean, variance);
  return betaRegularized(p, r, Math.floor(k) + 1);
}

/** P(X ≥ k) for a count with this mean and variance: negative binomial when overdispersed, else Poisson. */
export function countAtLeast(k: number, mean: number, variance: number): number {
  if (variance <= mean * (1 + 1e-9)) return poissonAtLeast(k, mean);
  if (k <= 0) return 1;
  const { r, p } = negativeBinomial(mean, variance);
  return betaRegularized(1 - p, Math.ceil(k), r);
}

/** The p-value at or below which a deviation counts as real, for a confidence such as 0.999; 0 turns the test off. */
export const significant = (pValue: number, confidence: number): boolean => pValue <= 1 - confidence;

/** A p-value for people: two significant digits, scientific below 0.001. */
export function formatP(pValue: number): string {
  if (pValue < 1e-300) return 'p < 1e-300';
  if (pValue < 0.001) return `p = ${pValue.toExponential(1)}`;
  return `p = ${Number(pValue.toPrecision(2))}`;
}
