// Where a paged backtest goes on: the next window and the alert's lifecycle as the page before left it, carried by
// the client from one page's `next` to the next request's `cursor`. Opaque to clients (base64url of JSON), checked
// on the way in like every other parameter.
import { z } from 'zod';

const cursorSchema = z.strictObject({
  /** the rule and its `every` the replay started with: a cursor is refused once the rule changed */
  rule: z.string(),
  every: z.number().int().positive(),
  /** end (epoch ms) of the next window to replay */
  end: z.number().int(),
  state: z.enum(['inactive', 'pending', 'firing']),
  active_at: z.number().optional(),
  firing_at: z.number().optional(),
  clean_for: z.number().optional(),
  /** the firing still open when the page before ended; a non-finite value travels as null */
  open: z.strictObject({ from: z.number(), value: z.number().nullable(), summary: z.string() }).optional(),
});
export type BacktestCursor = z.output<typeof cursorSchema>;

const MAX_CURSOR_CHARS = 8192;

export function encodeBacktestCursor(cursor: BacktestCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function decode(text: string): unknown {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

export const backtestCursor = z
  .string()
  .max(MAX_CURSOR_CHARS)
  .transform((text, ctx) => {
    try {
      return decode(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: "expected the previous page's `next`, unchanged" });
      return z.NEVER;
    }
  })
  .pipe(cursorSchema);
