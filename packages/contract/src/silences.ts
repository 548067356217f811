// Silences: Alertmanager-style label matchers that hold an alert's notifications back until an end time.
import { z } from 'zod';
import { durationParam, isoInstant } from './params.ts';

const matchOp = z.enum(['=', '!=', '=~', '!~']);
const matcherInput = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name such as alertname, severity or stream'),
    value: z.string().max(1024),
    op: matchOp.default('='),
  })
  .superRefine((m, ctx) => {
    if (!m.op.includes('~')) return;
    try {
      new RegExp(m.value);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `expected a regular expression: ${(err as Error).message}`,
      });
    }
  });

const matcherSchema = z.object({ name: z.string(), value: z.string(), op: matchOp });
export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(matcherSchema),
  starts_at: z.string(),
  ends_at: z.string(),
  created_by: z.string(),
  comment: z.string(),
  active: z.boolean(),
});
export const silencesResponse = z.object({ silences: z.array(silenceSchema) });
export type Matcher = z.output<typeof matcherSchema>;
export type Silence = z.output<typeof silenceSchema>;
export type SilencesResponse = z.output<typeof silencesResponse>;

export const silenceBody = z
  .strictObject({
    matchers: z.array(matcherInput).min(1, 'expected at least one matcher').max(20),
    ends_at: isoInstant.optional(),
    duration: durationParam.optional(),
    comment: z.string().min(1, 'expected a comment saying why').max(2000),
  })
  .refine((b) => (b.ends_at === undefined) !== (b.duration === undefined), {
    message: 'expected exactly one of ends_at or duration',
    path: ['ends_at'],
  });
export type SilenceBody = z.input<typeof silenceBody>;

export const silencePath = z.strictObject({ id: z.uuid('expected a silence id') });
