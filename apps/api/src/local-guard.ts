// No-token mode makes every local caller an admin, and a web page in the user's browser is a local caller too.
// This guard keeps such pages out: DNS rebinding (a foreign name resolving to 127.0.0.1) shows up as a foreign
// Host, and a cross-site form or no-cors fetch as a foreign Origin or a non-JSON body. Tokens mode does not need
// it: a page cannot attach the bearer token.
import type { MiddlewareHandler } from 'hono';
import type { Config } from '@rollcall/core/config/schema';
import { HttpProblem } from './problem.ts';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/** The host name of a Host header or URL authority, without port or IPv6 brackets. */
function hostName(authority: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(authority);
  if (bracketed) return (bracketed[1] ?? '').toLowerCase();
  return (authority.split(':')[0] ?? '').toLowerCase();
}

function originAuthority(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined; // "null" (sandboxed frames, file://) and garbage are foreign
  }
}

/** A bodyless DELETE (the dashboard's "expire silence") is fine without a type: a browser cannot send a
 * cross-site DELETE, PUT or PATCH without a CORS preflight, which fails unless api.cors_origins lets it. */
function carriesBody(method: string, headers: { length: string | undefined; chunked: boolean }): boolean {
  if (method === 'POST') return true;
  return headers.chunked || (headers.length !== undefined && headers.length !== '0');
}

export function localOnly(api: Pick<Config['api'], 'host' | 'cors_origins'>): MiddlewareHandler {
  // api.host is a bare name or address (an IPv6 one has no port to strip): only brackets come off.
  const names = new Set([...LOOPBACK_NAMES, api.host.replace(/^\[(.*)\]$/, '$1').toLowerCase()]);
  const origins = new Set(api.cors_origins.map((o) => o.toLowerCase()));
  return async (c, next) => {
    const authority = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
    if (!names.has(hostName(authority))) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `Host "${authority}" is not this server: with no api.tokens only ${[...names].join(', ')} (api.host) are answered`,
      );
    }
    const method = c.req.method.toUpperCase();
    if (!STATE_CHANGING.has(method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(origin.toLowerCase()) && originAuthority(origin) !== authority) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `cross-site ${method} refused: Origin "${origin}" is not this server and not in api.cors_origins`,
      );
    }
    const type = c.req.header('content-type') ?? '';
    if (
      !JSON_TYPE.test(type) &&
      carriesBody(method, {
        length: c.req.header('content-length'),
        chunked: c.req.header('transfer-encoding') !== undefined,
      })
    ) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `${method} needs Content-Type: application/json with no api.tokens (a cross-site form cannot send it), got "${type || 'none'}"`,
      );
    }
    return next();
  };
}
