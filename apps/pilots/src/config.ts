// The demo pilots' settings, read once from the environment.
import { z } from 'zod';

const PILOTS = ['card-fraud', 'onboarding', 'pay', 'order-saga'] as const;
export type PilotName = (typeof PILOTS)[number];

const envSchema = z.object({
  ROLLCALL_KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  ROLLCALL_RABBITMQ_URL: z.string().min(1).default('amqp://guest:guest@127.0.0.1:5672'),
  /** Scales every pilot's base rate; 1 is about 45 messages a second in all. */
  PILOT_RATE: z.coerce
    .number({ error: 'PILOT_RATE: expected a number such as 0.5 or 2' })
    .positive('PILOT_RATE: expected a number above 0')
    .max(100, 'PILOT_RATE: at most 100')
    .default(1),
  PILOT_CONTROL_PORT: z.coerce
    .number({ error: 'PILOT_CONTROL_PORT: expected a port number' })
    .int()
    .min(0)
    .max(65535)
    .default(8790),
  /** Put before every topic, exchange, queue and group name: tests that run the pilots as a process use unique ones. */
  PILOT_NAME_PREFIX: z
    .string()
    .regex(/^[\w.-]*$/, 'PILOT_NAME_PREFIX: letters, digits, ".", "-" and "_" only')
    .default(''),
  /** Which pilots to run, comma separated. */
  PILOTS: z
    .string()
    .default(PILOTS.join(','))
    .transform((list, ctx) => {
      const names = list
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !(PILOTS as readonly string[]).includes(n));
      if (unknown.length)
        ctx.addIssue({
          code: 'custom',
          message: `PILOTS: unknown ${unknown.join(', ')}; expected some of ${PILOTS.join(', ')}`,
        });
      return names as PilotName[];
    }),
});

export interface PilotsConfig {
  kafkaBrokers: string[];
  rabbitUrl: string;
  rate: number;
  controlPort: number;
  pilots: PilotName[];
  namePrefix: string;
}

export function loadPilotsConfig(env: NodeJS.ProcessEnv): PilotsConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const e = parsed.data;
  return {
    kafkaBrokers: e.ROLLCALL_KAFKA_BROKERS.split(',').map((b) => b.trim()),
    rabbitUrl: e.ROLLCALL_RABBITMQ_URL,
    rate: e.PILOT_RATE,
    controlPort: e.PILOT_CONTROL_PORT,
    pilots: e.PILOTS,
    namePrefix: e.PILOT_NAME_PREFIX,
  };
}

export const controlUrl = (env: NodeJS.ProcessEnv): string => `http://127.0.0.1:${env.PILOT_CONTROL_PORT ?? 8790}`;
