// Demo traffic for `npm start`: runs the pilots against the local brokers until interrupted.
import { createLogger } from '@rollcall/core/log';
import { startCardFraud } from './card-fraud.ts';

const log = createLogger('info', { role: 'pilots' });
const pilot = await startCardFraud({
  rabbitUrl: process.env.ROLLCALL_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  kafkaBrokers: (process.env.ROLLCALL_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  ratePerSecond: Number(process.env.PILOT_RATE ?? 20),
  log,
});
log.info('card → fraud pilot running');
const shutdown = () => {
  void pilot.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
