// Demo traffic for `npm start`: runs the pilots against the local brokers, with their control endpoint on
// 127.0.0.1, until interrupted.
import { createLogger } from '@rollcall/core/log';
import { CARD_FRAUD_NAMES, CARD_FRAUD_RATE, startCardFraud } from './card-fraud.ts';
import { loadPilotsConfig, type PilotName } from './config.ts';
import { startControl } from './control.ts';
import { ONBOARDING_NAMES, ONBOARDING_RATE, startOnboarding } from './onboarding.ts';
import { ORDER_SAGA_NAMES, ORDER_SAGA_RATE, startOrderSaga } from './order-saga.ts';
import { PAY_NAMES, PAY_RATE, startPay } from './pay.ts';
import { prefixNames, type Pilot } from './pilot.ts';

const log = createLogger('info', { role: 'pilots' });
const config = loadPilotsConfig(process.env);
const common = { kafkaBrokers: config.kafkaBrokers, log };
const named = <Names extends Record<string, string>>(names: Names) => prefixNames(names, config.namePrefix);
const starters: Record<PilotName, () => Promise<Pilot>> = {
  'card-fraud': () =>
    startCardFraud({
      ...common,
      rabbitUrl: config.rabbitUrl,
      ratePerSecond: CARD_FRAUD_RATE * config.rate,
      names: named(CARD_FRAUD_NAMES),
    }),
  onboarding: () =>
    startOnboarding({ ...common, ratePerSecond: ONBOARDING_RATE * config.rate, names: named(ONBOARDING_NAMES) }),
  pay: () => startPay({ ...common, ratePerSecond: PAY_RATE * config.rate, names: named(PAY_NAMES) }),
  'order-saga': () =>
    startOrderSaga({ ...common, ratePerSecond: ORDER_SAGA_RATE * config.rate, names: named(ORDER_SAGA_NAMES) }),
};

const pilots: Pilot[] = [];
for (const name of config.pilots) {
  try {
    pilots.push(await starters[name]());
    log.info('pilot running', { pilot: name });
  } catch (err) {
    log.error('pilot could not start', { pilot: name, err });
  }
}
// Traffic matters more than the switches: if the port is taken, say so and run the pilots without control.
const control = await startControl({ pilots, log, port: config.controlPort }).catch((err: unknown) => {
  log.error(
    'pilot control endpoint could not listen; fault switches and `npm run incident` are unavailable (set PILOT_CONTROL_PORT)',
    { port: config.controlPort, err },
  );
  return undefined;
});
if (control) log.info('pilot control endpoint listening', { url: control.url, try: `curl ${control.url}/pilots` });

let stopping = false;
const shutdown = () => {
  if (stopping) return;
  stopping = true;
  void (control?.close() ?? Promise.resolve())
    .then(() =>
      Promise.all(
        pilots.map((p) =>
          p.stop().catch((err: unknown) => log.warn('pilot did not stop cleanly', { pilot: p.name, err })),
        ),
      ),
    )
    .then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
