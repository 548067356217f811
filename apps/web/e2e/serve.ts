// Develop the dashboard against the same real server the e2e tests use:
//   node --import tsx apps/web/e2e/serve.ts       (then open the printed URL, or `npm run -w @rollcall/web dev`
//                                                 with ROLLCALL_API_URL set to it)
// Ctrl-C stops the pilot and the server and removes the broker names it created.
import { startE2ePlatform, waitForTraffic } from './platform.ts';

const e2e = await startE2ePlatform('rc-web-dev', { port: Number(process.env.PORT ?? 0) });
await waitForTraffic(e2e);
console.info(
  `Rollcall with Card→Fraud traffic at ${e2e.url}\n  admin token:  ${e2e.tokens.admin}\n  viewer token: ${e2e.tokens.viewer}`,
);
const stop = () => void e2e.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
