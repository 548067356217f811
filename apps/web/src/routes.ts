// Every path the dashboard links to, built in one place. `patterns` are what the router matches.
const enc = encodeURIComponent;

export const patterns = {
  overview: '/',
  flows: '/flows',
  streams: '/streams',
  stream: '/streams/:broker/:stream',
  lag: '/lag',
  lagGroup: '/lag/:broker/:group',
  alerts: '/alerts',
  alert: '/alerts/:fingerprint',
  rules: '/rules',
  rule: '/rules/:id',
  bench: '/bench',
  benchRun: '/bench/:id',
} as const;

export const routes = {
  overview: () => '/',
  flows: () => '/flows',
  streams: () => '/streams',
  stream: (broker: string, stream: string) => `/streams/${enc(broker)}/${enc(stream)}`,
  lag: () => '/lag',
  lagGroup: (broker: string, group: string) => `/lag/${enc(broker)}/${enc(group)}`,
  alerts: () => '/alerts',
  alert: (fingerprint: string) => `/alerts/${enc(fingerprint)}`,
  rules: () => '/rules',
  rule: (id: string) => `/rules/${enc(id)}`,
  bench: () => '/bench',
  benchRun: (id: string) => `/bench/${enc(id)}`,
};
