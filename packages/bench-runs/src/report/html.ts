// A run's report as one self-contained HTML file: inline CSS and SVG, no scripts, fonts or other requests, light
// and dark from the reader's setting. The baseline, when there is one, sits beside the run in every table and
// as dashed lines in the charts.
import type { BenchRun, Comparison } from '@rollcall/contract/bench';
import { escapeHtml, lineChart, type Series } from './chart.ts';
import { reportSections, type Table } from './sections.ts';

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2330; --muted: #5b6577; --line: #d9dee7; --panel: #f5f7fa;
  --good: #1a7f37; --bad: #c62828; --c1: #2563eb; --c2: #d97706; --c3: #7c3aed; --c4: #0f766e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #11151c; --fg: #e6e9ef; --muted: #98a2b3; --line: #2c3442; --panel: #181e27;
    --good: #4ade80; --bad: #f87171; --c1: #60a5fa; --c2: #fbbf24; --c3: #c4b5fd; --c4: #5eead4; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; color: var(--muted); }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; color: var(--fg); overflow-wrap: anywhere; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.r, th.r { text-align: right; }
td.good { color: var(--good); } td.bad { color: var(--bad); font-weight: 600; }
.banner { margin: 16px 0 0; padding: 10px 14px; border-radius: 6px; background: var(--panel); border-left: 4px solid var(--good); }
.banner.bad { border-left-color: var(--bad); } .banner ul { margin: 4px 0 0; padding-left: 18px; }
.charts { display: grid; gap: 16px; }
figure.chart { margin: 0; padding: 12px; background: var(--panel); border-radius: 8px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart > svg { width: 100%; height: auto; display: block; }
.legend svg { flex: none; }
.grid { stroke: var(--line); stroke-width: 1; } .frame { stroke: var(--muted); stroke-width: 1; }
.tick, .axis { fill: var(--muted); font-size: 11px; }
.line { fill: none; stroke-width: 2; stroke-linejoin: round; } .dashed { stroke-dasharray: 6 4; stroke-width: 1.5; }
.t1 { stroke: var(--c1); } .t2 { stroke: var(--c2); } .t3 { stroke: var(--c3); } .t4 { stroke: var(--c4); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); font-size: 12px; margin-top: 4px; }
.legend .key { display: inline-flex; align-items: center; gap: 6px; }
details summary { cursor: pointer; font-weight: 600; margin: 28px 0 10px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;

function htmlTable(t: Table, caption?: string): string {
  const head = t.head.some((h) => h !== '')
    ? `<thead><tr>${t.head.map((h, i) => `<th scope="col" class="${t.align[i] ?? 'l'}">${escapeHtml(h)}</th>`).join('')}</tr></thead>`
    : '';
  const rows = t.rows
    .map(
      (row) =>
        `<tr>${row.map((c, i) => `<td class="${[t.align[i] ?? 'l', c.tone && c.tone !== 'neutral' ? c.tone : ''].join(' ').trim()}">${escapeHtml(c.text)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table>${caption ? `<caption hidden>${escapeHtml(caption)}</caption>` : ''}${head}<tbody>${rows}</tbody></table>`;
}

function charts(run: BenchRun, comparison: Comparison | null): string {
  const base = comparison?.baseline;
  const series = (
    r: BenchRun,
    key: 'produced' | 'consumed' | 'p50' | 'p99',
    onlyReceived = false,
  ): [number, number][] => r.timeline.filter((t) => !onlyReceived || t.consumed > 0).map((t) => [t.second, t[key]]);
  const throughput: Series[] = [
    { name: 'produced msg/s', tone: 't1', points: series(run, 'produced') },
    { name: 'consumed msg/s', tone: 't2', points: series(run, 'consumed') },
    ...(base
      ? [{ name: `baseline consumed msg/s (${base.id})`, tone: 't2', dashed: true, points: series(base, 'consumed') }]
      : []),
  ];
  const latency: Series[] = [
    { name: 'p50 ms', tone: 't4', points: series(run, 'p50', true) },
    { name: 'p99 ms', tone: 't3', points: series(run, 'p99', true) },
    ...(base
      ? [{ name: `baseline p99 ms (${base.id})`, tone: 't3', dashed: true, points: series(base, 'p99', true) }]
      : []),
  ];
  return `<div class="charts">${lineChart({ title: 'Throughput per second', yUnit: 'msg/s', series: throughput })}${lineChart({ title: 'Latency per second (of the messages received that second)', yUnit: 'ms', series: latency })}</div>`;
}

export function renderHtml(run: BenchRun, comparison: Comparison | null, generatedAt: Date = new Date()): string {
  const s = reportSections(run, comparison);
  const facts = s.facts
    .map(
      ([k, v]) =>
        `<dt>${escapeHtml(k)}</dt><dd>${k === 'Scenario' ? `<code>${escapeHtml(v)}</code>` : escapeHtml(v)}</dd>`,
    )
    .join('');
  const banner = s.comparison
    ? s.comparison.regressions.length
      ? `<div class="banner bad" role="status"><strong>Regressed against baseline ${escapeHtml(s.comparison.baselineId)}</strong><ul>${s.comparison.regressions.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>`
      : `<div class="banner" role="status"><strong>No regressions against baseline ${escapeHtml(s.comparison.baselineId)}</strong></div>`
    : '';
  const comparisonSection = s.comparison
    ? `<section aria-labelledby="h-compare"><h2 id="h-compare">Compared with baseline ${escapeHtml(s.comparison.baselineId)}</h2>${htmlTable(s.comparison.table, 'Comparison with the baseline')}</section>`
    : '';
  const body = [
    `<header><h1>${escapeHtml(s.title)}</h1><dl class="facts">${facts}</dl>${banner}</header>`,
    `<section aria-labelledby="h-results"><h2 id="h-results">Results</h2>${htmlTable(s.results, 'Results')}</section>`,
    `<section aria-labelledby="h-time"><h2 id="h-time">Over time</h2>${charts(run, comparison)}</section>`,
    `<section aria-labelledby="h-latency"><h2 id="h-latency">Latency percentiles</h2>${htmlTable(s.percentiles, 'Latency percentiles')}</section>`,
    comparisonSection,
    `<section aria-labelledby="h-params"><h2 id="h-params">Parameters</h2>${htmlTable(s.parameters)}</section>`,
    `<section aria-labelledby="h-env"><h2 id="h-env">Environment</h2>${htmlTable(s.environment)}</section>`,
    `<section aria-labelledby="h-broker"><h2 id="h-broker">Broker-side figures and checks</h2>${htmlTable(s.broker)}</section>`,
    `<details><summary>Timeline, per second</summary>${htmlTable(s.timeline, 'Timeline')}</details>`,
    `<footer>Generated by <code>rollcall bench</code> on ${escapeHtml(generatedAt.toISOString().replace('T', ' ').slice(0, 19))} UTC.</footer>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(s.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
