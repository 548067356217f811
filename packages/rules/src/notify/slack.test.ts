import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Notification } from './notification.ts';
import { slackMessage } from './slack.ts';

const n: Notification = {
  id: 'tr-1/oncall/0',
  status: 'firing',
  rule: { id: 'orders-volume', description: '', severity: 'warning', type: 'volume' },
  labels: {},
  fingerprint: '0123456789abcdef',
  stream: 'kafka orders',
  observed: 3,
  threshold: 10,
  expected: 'at least 10 & more',
  summary: 'orders count 3 < 10 over 5m',
  startsAt: '2026-11-23T01:00:00.000Z',
  at: '2026-11-23T01:00:00.000Z',
  url: 'https://rollcall.example.com/alerts/0123456789abcdef',
  repeat: 0,
};

const text = z.object({ type: z.string(), text: z.string() });
const blocksOf = (message: object) =>
  z
    .object({
      blocks: z.array(z.looseObject({ type: z.string(), text: text.optional(), fields: z.array(text).optional() })),
    })
    .parse(message).blocks;

describe('slackMessage', () => {
  it('escapes the characters Slack reads as markup', () => {
    const blocks = blocksOf(slackMessage(n));
    const texts = blocks.flatMap((b) => [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)]);
    expect(texts).toContain('orders count 3 &lt; 10 over 5m');
    expect(texts).toContain('*Expected*\nat least 10 &amp; more');
  });

  it('cuts text to Slack’s limits instead of having the message refused', () => {
    const long: Notification = {
      ...n,
      rule: { ...n.rule, id: 'r'.repeat(400) },
      summary: '<'.repeat(5000),
      stream: 's'.repeat(5000),
    };
    const blocks = blocksOf(slackMessage(long));
    const header = blocks.find((b) => b.type === 'header')?.text?.text ?? '';
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header.endsWith('…')).toBe(true);
    const summary = blocks.find((b) => b.type === 'section' && b.text)?.text?.text ?? '';
    expect(summary.length).toBeLessThanOrEqual(3000);
    expect(summary).toMatch(/^(&lt;)+…$/);
    for (const field of blocks.flatMap((b) => b.fields ?? [])) expect(field.text.length).toBeLessThanOrEqual(2000);
  });

  it('marks reminders', () => {
    const header = blocksOf(slackMessage({ ...n, repeat: 2 })).find((b) => b.type === 'header')?.text?.text;
    expect(header).toBe(':red_circle: Firing: orders-volume (reminder 2)');
  });
});
