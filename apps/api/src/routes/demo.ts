// The demo's "reproduce the incident" switch: when api.pilots_url points at the pilots' control endpoint
// (npm start sets it), admins can start and stop the Card→Fraud incident from the dashboard.
import { incidentSchema, type Incident } from '@rollcall/contract/demo';
import { HttpProblem } from '../problem.ts';
import type { RouteDeps } from './deps.ts';

export function demoRoutes({ routes, config }: RouteDeps): void {
  const call = async (method: 'GET' | 'POST' | 'DELETE'): Promise<Incident> => {
    const base = config.api.pilots_url;
    if (!base)
      throw new HttpProblem(
        404,
        'Not Found',
        'no demo pilots are attached to this server (api.pilots_url is not set; `npm start` sets it)',
      );
    let res: Response;
    try {
      res = await fetch(new URL('/incident', base), { method, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new HttpProblem(
        502,
        'Bad Gateway',
        `the demo pilots at ${base} did not answer (${(err as Error).message})`,
      );
    }
    if (!res.ok)
      throw new HttpProblem(502, 'Bad Gateway', `the demo pilots answered ${res.status}: ${await res.text()}`);
    return incidentSchema.parse({ ...((await res.json()) as object), available: true });
  };
  // Reading the switch on a server without pilots is normal (every real deployment): say so, don't 404.
  const status = () =>
    config.api.pilots_url
      ? call('GET')
      : { available: false, active: false, pilot: '', event_type: '', story: '', rules: [], started_at: null };

  routes.add({
    method: 'get',
    path: '/api/v1/demo/incident',
    summary: 'Whether the demo’s Card→Fraud incident is running',
    tag: 'demo',
    role: 'viewer',
    response: incidentSchema,
    handler: status,
  });
  routes.add({
    method: 'post',
    path: '/api/v1/demo/incident',
    summary: 'Start the demo’s Card→Fraud incident (card-service silently drops a share of CardAuthorized)',
    tag: 'demo',
    role: 'admin',
    response: incidentSchema,
    handler: () => call('POST'),
  });
  routes.add({
    method: 'delete',
    path: '/api/v1/demo/incident',
    summary: 'End the demo’s Card→Fraud incident',
    tag: 'demo',
    role: 'admin',
    response: incidentSchema,
    handler: () => call('DELETE'),
  });
}
