// A stand-alone sender for the kill -9 test: the outbox over an embedded store, delivering to one webhook route
// until the process is killed. Test-only.
import { parseConfig } from '@rollcall/core/config';
import { silentLogger } from '@rollcall/core/log';
import { openStore } from '@rollcall/core/store';
import { deliver } from '../../src/notify/deliver.ts';
import { createOutbox } from '../../src/alerts/outbox.ts';

const store = await openStore(
  parseConfig('', 'test', { ROLLCALL_DATA_DIR: process.env.OUTBOX_DATA_DIR ?? '' }).clickhouse,
);
const outbox = createOutbox({
  store,
  log: silentLogger,
  routes: [
    {
      name: 'hook',
      type: 'webhook',
      url: process.env.OUTBOX_RECEIVER ?? '',
      secret: 's3cret',
      timeoutMs: 5000,
      repeatIntervalMs: 0,
    },
  ],
  dashboardUrl: 'http://rollcall.test',
  deliver,
  pollMs: 50,
});
outbox.start();
process.stdout.write('started\n');
