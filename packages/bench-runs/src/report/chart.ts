// Line charts as inline SVG: no script, no fonts, colours from the page's CSS so dark mode follows.
export interface Series {
  name: string;
  points: [number, number][];
  /** CSS class that gives the line its colour (stroke) in the page's stylesheet. */
  tone: string;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  yUnit: string;
  series: Series[];
  width?: number;
  height?: number;
}

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** 1, 2 or 5 times a power of ten at or above `value`: tick steps people read at a glance. */
export function niceStep(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  if (abs > 0 && abs < 1) return String(+n.toFixed(3));
  return String(+n.toFixed(1));
}

export function lineChart({ title, yUnit, series, width = 720, height = 240 }: ChartSpec): string {
  const m = { left: 56, right: 12, top: 12, bottom: 34 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map(([x]) => x));
  const yPeak = Math.max(0, ...all.map(([, y]) => y));
  const yStep = niceStep(yPeak / 4 || 1);
  const yMax = Math.max(yStep, Math.ceil(yPeak / yStep) * yStep);
  // Whole seconds: the timeline has one point per second.
  const xStep = Math.max(1, niceStep(xMax / 8));
  const sx = (x: number) => m.left + (x / xMax) * w;
  const sy = (y: number) => m.top + h - (y / yMax) * h;
  const parts: string[] = [];
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    parts.push(
      `<line class="grid" x1="${m.left}" x2="${m.left + w}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/>`,
    );
    parts.push(
      `<text class="tick" x="${m.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(compact(y))}</text>`,
    );
  }
  for (let x = 0; x <= xMax; x += xStep)
    parts.push(`<text class="tick" x="${sx(x).toFixed(1)}" y="${m.top + h + 16}" text-anchor="middle">${x}</text>`);
  parts.push(
    `<text class="axis" x="${m.left + w / 2}" y="${height - 2}" text-anchor="middle">seconds since the first send</text>`,
  );
  parts.push(
    `<text class="axis" x="12" y="${m.top + h / 2}" text-anchor="middle" transform="rotate(-90 12 ${m.top + h / 2})">${escapeHtml(yUnit)}</text>`,
  );
  parts.push(
    `<line class="frame" x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}"/><line class="frame" x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}"/>`,
  );
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline class="line ${escapeHtml(s.tone)}${s.dashed ? ' dashed' : ''}" points="${d}"><title>${escapeHtml(s.name)}</title></polyline>`,
    );
  }
  const legend = series
    .map(
      (s) =>
        `<span class="key"><svg width="22" height="8" aria-hidden="true"><line class="line ${escapeHtml(s.tone)}${s.dashed ? ' dashed' : ''}" x1="0" x2="22" y1="4" y2="4"/></svg>${escapeHtml(s.name)}</span>`,
    )
    .join('');
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg><div class="legend">${legend}</div></figure>`;
}
