// One HTTP POST of one notification to one route. No retries here: the outbox owns them, and needs from us
// only whether a retry could succeed (DeliveryError.retriable).
import { alertmanagerAlerts, alertsEndpoint } from './alertmanager.ts';
import { DeliveryError, type Notification, type Route } from './notification.ts';
import { slackMessage } from './slack.ts';
import { webhookBody, webhookHeaders } from './webhook.ts';

// Enough of an error body to show the receiver's reason; the rest is noise in logs and the notifications table.
const SNIPPET_CHARS = 200;
const SNIPPET_READ_BYTES = 4096;

interface Outgoing {
  url: URL;
  body: string;
  headers: Record<string, string>;
}

export async function deliver(route: Route, n: Notification, fetchImpl: typeof fetch = fetch): Promise<void> {
  const request = outgoing(route, n, targetUrl(route));
  const response = await post(route, request, fetchImpl);
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  throw await refused(route, request.url, response);
}

function outgoing(route: Route, n: Notification, url: URL): Outgoing {
  switch (route.type) {
    case 'slack':
      return { url, body: JSON.stringify(slackMessage(n)), headers: {} };
    case 'webhook': {
      const body = webhookBody(n);
      return { url, body, headers: webhookHeaders(n.id, body, route.secret, Math.floor(Date.now() / 1000)) };
    }
    case 'alertmanager':
      return { url: alertsEndpoint(url), body: JSON.stringify(alertmanagerAlerts(n)), headers: {} };
  }
}

function targetUrl(route: Route): URL {
  let url: URL;
  try {
    url = new URL(route.url);
  } catch {
    // The URL itself is not quoted: for Slack it is the secret.
    throw new DeliveryError(`route "${route.name}": the configured url is not a valid URL`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DeliveryError(`route "${route.name}": the url must be http or https, not ${url.protocol}`, false);
  return url;
}

async function post(route: Route, request: Outgoing, fetchImpl: typeof fetch): Promise<Response> {
  // Route headers may replace the content type; ours come last so a route cannot forge a signature or delivery id.
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const [name, value] of [...Object.entries(route.headers ?? {}), ...Object.entries(request.headers)])
    headers.set(name, value);
  try {
    // A followed 301/302 turns the POST into a GET that can answer 200: the message would be lost yet counted delivered.
    return await fetchImpl(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(route.timeoutMs),
    });
  } catch (error) {
    const origin = request.url.origin;
    const reason = isTimeout(error)
      ? `no response from ${origin} within ${route.timeoutMs} ms`
      : `could not reach ${origin} (${networkReason(error, request.url)})`;
    throw new DeliveryError(`route "${route.name}": ${reason}`, true);
  }
}

async function refused(route: Route, url: URL, response: Response): Promise<DeliveryError> {
  const snippet = redact(await bodyStart(response), url)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SNIPPET_CHARS);
  const redirect =
    response.status >= 300 && response.status < 400 ? ' (redirects are not followed: configure the final URL)' : '';
  const message = `route "${route.name}": ${url.origin} answered HTTP ${response.status}${redirect}${snippet === '' ? '' : `: ${snippet}`}`;
  return new DeliveryError(message, isRetriableStatus(response.status));
}

/** 5xx, 408 and 429 can pass on their own; any other refusal will be refused again. */
function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND, ...) in the cause. */
function networkReason(error: unknown, url: URL): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return redact(error instanceof Error ? error.message : String(error), url);
}

async function bodyStart(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < SNIPPET_READ_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) break;
      bytes += chunk.value.byteLength;
      text += decoder.decode(chunk.value, { stream: true });
    }
    await reader.cancel();
  } catch {
    // A body cut off or timed out: the status alone decides, so the error is not worth more than the snippet.
  }
  return text;
}

// Some servers echo the request path in their error ("Cannot POST /services/T0/B0/xyz"); a Slack webhook path
// and token-like path segments or query values are credentials, so only the origin may reach logs.
function redact(text: string, url: URL): string {
  const whole = url.pathname + url.search;
  const tokens = [...url.pathname.split('/'), ...url.searchParams.values()].filter((s) => s.length >= 12);
  const secrets = [...(whole.length > 1 ? [whole] : []), ...tokens].sort((a, b) => b.length - a.length);
  return secrets.reduce((out, secret) => out.split(secret).join('…'), text);
}
