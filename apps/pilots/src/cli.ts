// Pilot fault switches from a shell, against the running demo's control endpoint:
//   node --import tsx pilots/src/cli.ts faults [list]
//   node --import tsx pilots/src/cli.ts faults set <pilot> <EventType|*> [--drop 0.4] [--stop] [--duplicate 0.1]
//        [--delay 2s] [--rename from:to | --remove field] [--slow 200ms] [--when field=value ...]
//   node --import tsx pilots/src/cli.ts faults clear <pilot> [EventType]
//   node --import tsx pilots/src/cli.ts incident [--stop]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '@rollcall/contract/duration';
import { ControlUnavailable, createControlClient } from './control-client.ts';
import type { PilotView } from './control.ts';
import { incidentCommand, terminalIo, type CommandIo } from './incident.ts';

const USAGE = `usage:
  pilots faults [list]
  pilots faults set <pilot> <EventType|*> [--drop SHARE] [--stop] [--duplicate SHARE] [--delay DURATION]
                    [--rename FROM:TO | --remove FIELD] [--slow DURATION] [--when FIELD=VALUE ...]
  pilots faults clear <pilot> [EventType]
  pilots incident [--stop]`;

class UsageError extends Error {}

/** The fault for one event type from flags. Values are checked by the endpoint, which names the bad field. */
export function faultFromFlags(args: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args,
    options: {
      drop: { type: 'string' },
      stop: { type: 'boolean' },
      duplicate: { type: 'string' },
      delay: { type: 'string' },
      rename: { type: 'string' },
      remove: { type: 'string' },
      slow: { type: 'string' },
      when: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const ms = (flag: string, text: string) => {
    const value = parseDuration(text);
    if (value === undefined) throw new UsageError(`--${flag}: expected a duration such as 500ms or 2s, got "${text}"`);
    return Math.round(value);
  };
  const fault: Record<string, unknown> = {};
  if (values.drop !== undefined) fault.drop = Number(values.drop);
  if (values.stop) fault.stop = true;
  if (values.duplicate !== undefined) fault.duplicate = Number(values.duplicate);
  if (values.delay !== undefined) fault.delay_ms = ms('delay', values.delay);
  if (values.slow !== undefined) fault.slow_consumer_ms = ms('slow', values.slow);
  if (values.rename !== undefined && values.remove !== undefined)
    throw new UsageError('--rename and --remove cannot be combined: one schema change per event type');
  if (values.rename !== undefined) {
    const [from, to] = values.rename.split(':');
    if (!from || !to) throw new UsageError(`--rename: expected FROM:TO, got "${values.rename}"`);
    fault.schema = { rename: { from, to } };
  }
  if (values.remove !== undefined) fault.schema = { remove: values.remove };
  if (values.when?.length) {
    fault.when = Object.fromEntries(
      values.when.map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new UsageError(`--when: expected FIELD=VALUE, got "${pair}"`);
        return [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
    );
  }
  if (Object.keys(fault).length === 0)
    throw new UsageError(
      'faults set: give at least one of --drop, --stop, --duplicate, --delay, --rename, --remove, --slow',
    );
  return fault;
}

function printPilot(p: PilotView, out: (line: string) => void): void {
  out(`${p.name}  (${p.services.join(', ')})`);
  out(p.fault_summary.length ? p.fault_summary.map((f) => `  fault: ${f}`).join('\n') : '  faults: none');
  for (const [type, c] of Object.entries(p.counters)) {
    out(
      `  ${type.padEnd(24)} published ${String(c.published).padStart(7)}  consumed ${String(c.consumed).padStart(7)}  dropped ${String(c.dropped).padStart(6)}  duplicated ${String(c.duplicated).padStart(6)}`,
    );
  }
}

export async function cliCommand(args: string[], io: CommandIo): Promise<number> {
  const client = createControlClient(io.controlUrl);
  const [command, sub = 'list', ...rest] = args;
  try {
    if (command === 'incident') return await incidentCommand(args.slice(1), io);
    if (command !== 'faults') throw new UsageError(USAGE);
    if (sub === 'list') {
      const { pilots, incident } = await client.pilots();
      for (const p of pilots) printPilot(p, io.out);
      io.out(`incident: ${incident.active ? `running since ${incident.started_at}` : 'not running'}`);
      return 0;
    }
    const [pilot, type, ...flags] = rest;
    if (!pilot) throw new UsageError(USAGE);
    if (sub === 'set') {
      if (!type) throw new UsageError(USAGE);
      const current = (await client.pilots()).pilots.find((p) => p.name === pilot)?.faults ?? {};
      printPilot(await client.setFaults(pilot, { ...current, [type]: faultFromFlags(flags) }), io.out);
      return 0;
    }
    if (sub === 'clear') {
      if (!type) {
        printPilot(await client.clearFaults(pilot), io.out);
        return 0;
      }
      const current = (await client.pilots()).pilots.find((p) => p.name === pilot)?.faults ?? {};
      delete current[type];
      printPilot(await client.setFaults(pilot, current), io.out);
      return 0;
    }
    throw new UsageError(USAGE);
  } catch (err) {
    if (err instanceof ControlUnavailable)
      io.out(`The demo's pilots do not answer at ${io.controlUrl}: is \`npm start\` running?`);
    else io.out((err as Error).message);
    const code = (err as { code?: unknown }).code;
    return err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await cliCommand(process.argv.slice(2), terminalIo(process.env));
}
