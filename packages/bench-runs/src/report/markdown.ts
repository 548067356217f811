// A run's report as Markdown, for pasting into an issue or a pull request.
import type { BenchRun, Comparison } from '@rollcall/contract/bench';
import { reportSections, type Cell, type Table } from './sections.ts';

/** Longer timelines are thinned to about this many rows so the document stays readable. */
const MAX_TIMELINE_ROWS = 120;

const escapeCell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const cellText = (c: Cell) => (c.tone === 'bad' && c.text ? `**${escapeCell(c.text)}**` : escapeCell(c.text));

export function markdownTable(t: Table): string {
  const head = t.head.map((h) => escapeCell(h) || ' ');
  const rule = t.align.map((a) => (a === 'r' ? '---:' : '---'));
  return [head, rule, ...t.rows.map((row) => row.map(cellText))].map((cols) => `| ${cols.join(' | ')} |`).join('\n');
}

export function renderMarkdown(run: BenchRun, comparison: Comparison | null): string {
  const s = reportSections(run, comparison);
  const out = [
    `# ${s.title}`,
    '',
    ...s.facts.map(([k, v]) => `- **${k}:** ${k === 'Scenario' ? `\`${v}\`` : escapeCell(v)}`),
    '',
  ];
  out.push('## Results', '', markdownTable(s.results), '');
  out.push(
    '## Latency percentiles',
    '',
    'From the send time carried in each message to its receipt.',
    '',
    markdownTable(s.percentiles),
    '',
  );
  if (s.comparison) {
    out.push(`## Compared with baseline ${s.comparison.baselineId}`, '');
    out.push(
      s.comparison.regressions.length
        ? s.comparison.regressions.map((r) => `- **Regression:** ${escapeCell(r)}`).join('\n')
        : 'No regressions.',
      '',
    );
    out.push(markdownTable(s.comparison.table), '');
  }
  out.push('## Parameters', '', markdownTable(s.parameters), '');
  out.push('## Environment', '', markdownTable(s.environment), '');
  out.push('## Broker-side figures and checks', '', markdownTable(s.broker), '');
  const step = Math.max(1, Math.ceil(s.timeline.rows.length / MAX_TIMELINE_ROWS));
  const timeline = { ...s.timeline, rows: s.timeline.rows.filter((_, i) => i % step === 0) };
  out.push(
    '## Timeline',
    '',
    step > 1 ? `Every ${step}th second.` : 'Per second since the first send.',
    '',
    markdownTable(timeline),
    '',
  );
  return out.join('\n');
}
