// `npm run incident [-- --stop]`: starts (or ends) the Card→Fraud incident in the running demo through the
// pilots' control endpoint, and says what to watch.
import { pathToFileURL } from 'node:url';
import { controlUrl } from './config.ts';
import { ControlUnavailable, createControlClient } from './control-client.ts';

export interface CommandIo {
  controlUrl: string;
  dashboardUrl: string;
  out: (line: string) => void;
}

/** A command run from a shell: the demo's pilots and dashboard on this machine, lines to the terminal. */
export function terminalIo(env: NodeJS.ProcessEnv): CommandIo {
  return {
    controlUrl: controlUrl(env),
    dashboardUrl: `http://127.0.0.1:${env.ROLLCALL_API_PORT ?? 8787}/`,
    out: (line) => console.log(line),
  };
}

export async function incidentCommand(args: string[], io: CommandIo): Promise<number> {
  const client = createControlClient(io.controlUrl);
  const stop = args.includes('--stop') || args[0] === 'stop';
  try {
    if (stop) {
      const was = (await client.pilots()).incident;
      const now = await client.stopIncident();
      io.out(
        was.active
          ? `Card→Fraud incident stopped: card-service publishes every ${now.event_type} again.`
          : 'No Card→Fraud incident was running.',
      );
      io.out(`The rules (${now.rules.join(', ')}) resolve once a clean window has been judged.`);
      return 0;
    }
    const incident = await client.startIncident();
    const since = incident.started_at ? new Date(incident.started_at).toLocaleTimeString() : 'now';
    io.out(`Card→Fraud incident running since ${since}:`);
    io.out(`  ${incident.story}.`);
    io.out('');
    io.out('Watch Rollcall catch it within about three minutes:');
    io.out(`  dashboard   ${io.dashboardUrl}`);
    io.out(`  rules       ${incident.rules.join(', ')}   (deploy/local/rules.d/card-fraud.yaml)`);
    io.out('  by hand     npm run rollcall -- count --broker kafka --stream card.requests --since 1m');
    io.out('              npm run rollcall -- count --broker rabbitmq --stream cards --kind publish --since 1m');
    io.out('');
    io.out('End it:       npm run incident -- --stop');
    return 0;
  } catch (err) {
    if (err instanceof ControlUnavailable) {
      io.out(
        `The demo's pilots do not answer at ${io.controlUrl}: is \`npm start\` running? Start it, then run \`npm run incident\` again.`,
      );
      return 1;
    }
    io.out((err as Error).message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await incidentCommand(process.argv.slice(2), terminalIo(process.env));
}
