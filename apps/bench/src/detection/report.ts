// bench/results/detection.md and detection.json: the run as measured, misses reported as misses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectionResult } from './run.ts';

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function detectionMarkdown(r: DetectionResult): string {
  const { score: s } = r;
  const lines: string[] = [];
  const meanLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  lines.push('# Detection benchmark', '');
  if (r.partialUntil)
    lines.push(
      `**Partial: the run had reached ${r.partialUntil} (simulated) when this was written; scenarios after it are not scored yet.**`,
      '',
    );
  lines.push(
    `\`${r.params.command}\` · ${r.params.days} simulated days from ${r.params.startIso} · seed ${r.params.seed} · ${r.params.historyWeeks} weeks of history`,
    '',
  );
  lines.push(
    `Wall time ${duration(r.wallMs.total)} (writing ${duration(r.wallMs.write)}, engine ${duration(r.wallMs.engine)}) · ${r.engine.ticks} ticks, ${r.engine.evaluations} evaluations · ` +
      `host ${r.host.cores} cores (${r.host.cpu}), load average ${meanLoad(r.host.loadAvgBefore)} before, ${meanLoad(r.host.loadAvgAfter)} after · engine errors: ${r.engine.errors.length}`,
    '',
  );
  lines.push('## Faults', '');
  lines.push(
    '| fault | starts | target (firing) | rule | pending | firing | stayed firing to the end | flaps | resolved after end | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const f of s.faults) {
    f.rules.forEach((o, i) => {
      const head =
        i === 0
          ? [
              cell(f.title),
              f.start.slice(0, 16).replace('T', ' '),
              f.targetMs === null ? '—' : `≤ ${duration(f.targetMs)}`,
            ]
          : ['', '', ''];
      const verdict = i === 0 ? f.verdict : '';
      lines.push(
        `| ${[...head, o.rule, duration(o.pendingMs), duration(o.firingMs), o.firingMs === null ? '—' : o.stayedFiring ? 'yes' : 'no', String(o.flaps), duration(o.resolvedAfterEndMs), verdict].join(' | ')} |`,
      );
    });
  }
  lines.push(
    '',
    "Times are from the fault's start (20 s into a minute). A rule without `for` goes pending and firing at once. Verdict: the earliest firing of the fault's rules against the target.",
    '',
  );
  lines.push('## Must raise nothing', '');
  lines.push('| disturbance | starts | alerts raised (during it and 15 min after) |', '|---|---|---|');
  for (const q of s.quiet) lines.push(`| ${cell(q.title)} | ${q.start.slice(0, 16).replace('T', ' ')} | ${q.alerts} |`);
  lines.push('', `## False alarms: ${s.falseAlarms.length}`, '');
  if (s.falseAlarms.length) {
    lines.push('| rule | raised | at | during | summary |', '|---|---|---|---|---|');
    for (const a of s.falseAlarms.slice(0, 50))
      lines.push(`| ${a.rule} | ${a.to} | ${a.at} | ${a.during || '—'} | ${cell(a.summary)} |`);
    if (s.falseAlarms.length > 50) lines.push('', `… and ${s.falseAlarms.length - 50} more in detection.json.`);
  } else lines.push('None: no alert was raised outside a fault.');
  lines.push('', '## Windows per rule', '');
  lines.push(
    '| rule | judged | breached | not watched | skipped otherwise (history, significance, min_count) |',
    '|---|---|---|---|---|',
  );
  for (const w of r.engine.windows)
    lines.push(`| ${w.rule_id} | ${w.judged} | ${w.breached} | ${w.notWatched} | ${w.otherSkipped} |`);
  if (r.engine.errors.length)
    lines.push('', '## Engine errors', '', ...r.engine.errors.slice(0, 20).map((e) => `- ${cell(e)}`));
  lines.push('', '## Traffic', '');
  lines.push(
    'Per-minute counts: nominal rate × weekday factor (Sat 0.7, Sun 0.6) × (1 + a·wave) × night dip, Poisson per minute; the wave peaks at 14:00 UTC, a is 0.4 ± 30% drawn per day and stream, the night dip deepens 00:00–05:00 by up to 35%. Downstream streams are binomial thinnings of their upstream minute.',
    '',
  );
  lines.push('| stream | broker | type / source | nominal msg/s | messages in the span |', '|---|---|---|---|---|');
  for (const st of r.streams)
    lines.push(
      `| ${st.stream} | ${st.broker} | ${st.event_type} / ${st.source} | ${st.nominalRate} | ${st.spanMessages} |`,
    );
  lines.push(
    '',
    `Written: ${r.written.rollupRows} rollup rows, ${r.written.rawEvents} raw events (fraud.scores only), ${r.written.heartbeats} heartbeats (kafka and rabbitmq taps, every 5 s).`,
    '',
  );
  lines.push(
    '## Rule settings',
    '',
    `confidence / resolve_for ${r.rules.significance ? 'accepted by this build and used' : "not in this build's rule schema: plain thresholds"}.`,
    '',
    '```yaml',
    r.rules.yaml.trimEnd(),
    '```',
    '',
  );
  lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

export function writeDetectionResults(dir: string, r: DetectionResult): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'detection.json');
  const md = join(dir, 'detection.md');
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(md, detectionMarkdown(r));
  return { json, md };
}
