// Talks to a running demo's pilot control endpoint, for the CLI and `npm run incident`.
import type { IncidentView, PilotView } from './control.ts';

export class ControlUnavailable extends Error {
  override name = 'ControlUnavailable';
}

export class ControlRefused extends Error {
  override name = 'ControlRefused';
}

export interface ControlClient {
  pilots(): Promise<{ pilots: PilotView[]; incident: IncidentView }>;
  /** Replaces the pilot's faults; the endpoint validates them and names a bad field. */
  setFaults(pilot: string, faults: Record<string, unknown>): Promise<PilotView>;
  clearFaults(pilot: string): Promise<PilotView>;
  startIncident(): Promise<IncidentView>;
  stopIncident(): Promise<IncidentView>;
}

export function createControlClient(baseUrl: string): ControlClient {
  // The endpoint is ours and answers with the shapes in control.ts; what it says is trusted as that shape.
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
    } catch (err) {
      throw new ControlUnavailable(`nothing answers at ${baseUrl} (${(err as Error).message})`);
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const detail = typeof parsed === 'object' && parsed !== null && 'detail' in parsed ? String(parsed.detail) : text;
      throw new ControlRefused(`${method} ${path}: ${res.status} ${detail}`);
    }
    return parsed as T;
  };
  const pilotPath = (pilot: string) => `/pilots/${encodeURIComponent(pilot)}/faults`;
  return {
    pilots: () => call('GET', '/pilots'),
    setFaults: (pilot, faults) => call('PUT', pilotPath(pilot), faults),
    clearFaults: (pilot) => call('DELETE', pilotPath(pilot)),
    startIncident: () => call('POST', '/incident'),
    stopIncident: () => call('DELETE', '/incident'),
  };
}
