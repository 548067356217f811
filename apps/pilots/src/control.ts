// The pilots' control endpoint (127.0.0.1 only): list pilots with their faults and counters, flip fault switches
// at run time, and start or stop the Card→Fraud incident. Bodies are validated with zod; a bad one gets a 400
// problem+json naming the field.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { ZodError } from 'zod';
import type { Logger } from '@rollcall/core/log';
import { CARD_FRAUD_INCIDENT } from './card-fraud.ts';
import { describeFault, faultTableSchema, type Fault, type FaultTable } from './faults.ts';
import type { Pilot, PilotResources } from './pilot.ts';
import type { Counters } from './traffic.ts';

/** What the control endpoint needs of a pilot: no broker connections, so it can be exercised on its own. */
export type ControlledPilot = Pick<Pilot, 'name' | 'services' | 'eventTypes' | 'traffic' | 'resources'>;

interface ProblemField {
  field: string;
  message: string;
}

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: ProblemField[],
  ) {
    super(detail);
  }
}

export interface PilotView {
  name: string;
  services: string[];
  event_types: readonly string[];
  resources: PilotResources;
  faults: FaultTable;
  fault_summary: string[];
  counters: Record<string, Counters>;
}

export interface IncidentView {
  active: boolean;
  pilot: string;
  event_type: string;
  fault: Fault;
  story: string;
  rules: string[];
  started_at: string | null;
}

const MAX_BODY = 64 * 1024;

export function createControlServer({
  pilots,
  log,
  now = Date.now,
}: {
  pilots: ControlledPilot[];
  log: Logger;
  now?: () => number;
}): Server {
  const byName = new Map(pilots.map((p) => [p.name, p]));
  let incidentStartedAt: number | undefined;

  const pilotOr404 = (name: string): ControlledPilot => {
    const pilot = byName.get(name);
    if (!pilot) throw new Problem(404, 'Not Found', `no pilot "${name}"; running: ${[...byName.keys()].join(', ')}`);
    return pilot;
  };

  const view = (p: ControlledPilot): PilotView => {
    const faults = p.traffic.faults();
    return {
      name: p.name,
      services: p.services,
      event_types: p.eventTypes,
      resources: p.resources,
      faults,
      fault_summary: Object.entries(faults).map(([type, f]) => describeFault(type, f)),
      counters: p.traffic.counters(),
    };
  };

  const incident = (): IncidentView => {
    const pilot = byName.get(CARD_FRAUD_INCIDENT.pilot);
    const active =
      !!pilot && isDeepStrictEqual(pilot.traffic.faults()[CARD_FRAUD_INCIDENT.eventType], CARD_FRAUD_INCIDENT.fault);
    return {
      active,
      pilot: CARD_FRAUD_INCIDENT.pilot,
      event_type: CARD_FRAUD_INCIDENT.eventType,
      fault: CARD_FRAUD_INCIDENT.fault,
      story: CARD_FRAUD_INCIDENT.story,
      rules: CARD_FRAUD_INCIDENT.rules,
      started_at: active && incidentStartedAt !== undefined ? new Date(incidentStartedAt).toISOString() : null,
    };
  };

  const cardFraudOr409 = (): ControlledPilot => {
    const pilot = byName.get(CARD_FRAUD_INCIDENT.pilot);
    if (!pilot) throw new Problem(409, 'Conflict', `the ${CARD_FRAUD_INCIDENT.pilot} pilot is not running here`);
    return pilot;
  };

  const route = async (method: string, path: string, req: IncomingMessage): Promise<[number, unknown]> => {
    const faultsPath = /^\/pilots\/([^/]+)\/faults$/.exec(path);
    if (path === '/pilots' && method === 'GET') return [200, { pilots: pilots.map(view), incident: incident() }];
    if (faultsPath && method === 'PUT') {
      const pilot = pilotOr404(decodeURIComponent(faultsPath[1] ?? ''));
      const parsed = faultTableSchema(pilot.eventTypes).safeParse(await readJson(req));
      if (!parsed.success) throw invalid(parsed.error);
      pilot.traffic.setFaults(parsed.data);
      log.info('pilot faults set', { pilot: pilot.name, faults: parsed.data });
      return [200, view(pilot)];
    }
    if (faultsPath && method === 'DELETE') {
      const pilot = pilotOr404(decodeURIComponent(faultsPath[1] ?? ''));
      pilot.traffic.setFaults({});
      log.info('pilot faults cleared', { pilot: pilot.name });
      return [200, view(pilot)];
    }
    if (path === '/incident' && method === 'GET') return [200, incident()];
    if (path === '/incident' && method === 'POST') {
      const pilot = cardFraudOr409();
      if (incident().active) return [200, incident()];
      pilot.traffic.setFault(CARD_FRAUD_INCIDENT.eventType, CARD_FRAUD_INCIDENT.fault);
      incidentStartedAt = now();
      log.info('Card→Fraud incident started', { fault: CARD_FRAUD_INCIDENT.fault });
      return [201, incident()];
    }
    if (path === '/incident' && method === 'DELETE') {
      const pilot = cardFraudOr409();
      if (incident().active) pilot.traffic.setFault(CARD_FRAUD_INCIDENT.eventType, undefined);
      incidentStartedAt = undefined;
      log.info('Card→Fraud incident stopped');
      return [200, incident()];
    }
    if (path === '/pilots' || path === '/incident' || faultsPath)
      throw new Problem(405, 'Method Not Allowed', `${method} is not supported on ${path}`);
    throw new Problem(404, 'Not Found', `no route ${path}; try GET /pilots`);
  };

  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://control').pathname.replace(/\/+$/, '') || '/';
    route(req.method ?? 'GET', path, req)
      .then(([status, body]) => send(res, status, body, 'application/json'))
      .catch((err: unknown) => {
        if (err instanceof Problem)
          return send(
            res,
            err.status,
            {
              type: 'about:blank',
              title: err.title,
              status: err.status,
              detail: err.detail,
              ...(err.errors ? { errors: err.errors } : {}),
            },
            'application/problem+json',
          );
        log.error('pilot control request failed', { err, path });
        return send(
          res,
          500,
          { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'see the pilots log' },
          'application/problem+json',
        );
      });
  });
}

export async function startControl({
  host = '127.0.0.1',
  port,
  ...deps
}: {
  pilots: ControlledPilot[];
  log: Logger;
  host?: string;
  port: number;
  now?: () => number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = createControlServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function invalid(error: ZodError): Problem {
  const errors = error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), message: i.message }));
  return new Problem(400, 'Invalid fault switches', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Problem(413, 'Payload Too Large', `the body must be under ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Problem(
      400,
      'Invalid fault switches',
      'body: expected a JSON object of event type → fault, e.g. {"CardAuthorized": {"drop": 0.4}}',
      [{ field: 'body', message: 'expected JSON' }],
    );
  }
}

function send(res: ServerResponse, status: number, body: unknown, type: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}
