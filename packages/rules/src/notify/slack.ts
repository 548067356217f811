// Slack Block Kit payload for an incoming webhook: one message per transition, readable on a phone.
import type { Notification } from './notification.ts';

// Slack refuses the whole message (invalid_blocks) when one block is over its limit, so text is cut to fit.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;

const STATUS = {
  firing: { emoji: ':red_circle:', word: 'Firing' },
  resolved: { emoji: ':large_green_circle:', word: 'Resolved' },
} as const;

export function slackMessage(n: Notification): object {
  const { emoji, word } = STATUS[n.status];
  const reminder = n.repeat > 0 ? ` (reminder ${n.repeat})` : '';
  return {
    text: truncate(escape(`${word}: ${n.rule.id}${reminder}: ${n.summary}`), SECTION_MAX),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: truncate(`${emoji} ${word}: ${n.rule.id}${reminder}`, HEADER_MAX),
          emoji: true,
        },
      },
      { type: 'section', fields: fields(n).map(([name, value]) => mrkdwn(truncate(`*${name}*\n${value}`, FIELD_MAX))) },
      ...(n.summary === '' ? [] : [{ type: 'section', text: mrkdwn(truncate(escape(n.summary), SECTION_MAX)) }]),
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Rollcall' }, url: n.url }],
      },
      {
        type: 'context',
        elements: [
          mrkdwn(truncate(`Fingerprint \`${n.fingerprint}\` · Notification \`${escape(n.id)}\``, SECTION_MAX)),
        ],
      },
    ],
  };
}

function fields(n: Notification): [string, string][] {
  const rows: [string, string][] = [
    ['Stream', escape(n.stream)],
    ['Observed', String(n.observed)],
    ['Expected', escape(n.expected)],
    ['Severity', escape(n.rule.severity)],
    ['Since', slackDate(n.startsAt)],
  ];
  if (n.status === 'resolved') rows.push(['Resolved at', slackDate(n.endsAt ?? n.at)]);
  return rows;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/** Rendered in each reader's own time zone; the ISO text is what clients that cannot format dates show. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escape(iso) : `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso}>`;
}

// Slack reads <, > and & as control characters in mrkdwn: a summary like "ratio < 0.95" would break the link syntax.
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never leave half a surrogate pair or half an &amp; escape before the ellipsis.
  const cut = text
    .slice(0, max - 1)
    .replace(/[\uD800-\uDBFF]$/, '')
    .replace(/&[a-z]*$/, '');
  return `${cut}…`;
}
