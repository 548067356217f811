// Bearer-token auth. Config holds only SHA-256 digests of tokens; a presented token is hashed and compared in
// constant time against every digest, so neither a match's position nor a near-miss shows in the timing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '@rollcall/core/config/schema';
import { HttpProblem } from './problem.ts';

export type Role = 'viewer' | 'admin';

export interface Caller {
  name: string;
  role: Role;
  /** False when no tokens are configured (loopback only): every caller is then a local admin. */
  auth: boolean;
}

export type AuthEnv = { Variables: { caller: Caller } };

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A fresh random token and the config entry that admits it. */
export function createToken(
  name: string,
  role: Role,
): { token: string; entry: { name: string; role: Role; sha256: string } } {
  const token = `rc_${randomBytes(24).toString('base64url')}`;
  return { token, entry: { name, role, sha256: sha256Hex(token) } };
}

export function identify(tokens: Config['api']['tokens'], header: string | undefined): Caller | undefined {
  if (tokens.length === 0) return { name: 'local', role: 'admin', auth: false };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const presented = Buffer.from(sha256Hex(match[1]), 'hex');
  let found: Caller | undefined;
  for (const t of tokens) {
    // Every digest is compared, matched or not.
    if (timingSafeEqual(presented, Buffer.from(t.sha256, 'hex')) && !found)
      found = { name: t.name, role: t.role, auth: true };
  }
  return found;
}

/** Sets `caller` for /api routes; 401 for a missing or unknown token when tokens are configured. */
export function authenticate(tokens: Config['api']['tokens']): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const caller = identify(tokens, c.req.header('authorization'));
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer realm="rollcall"');
      throw new HttpProblem(
        401,
        'Unauthorized',
        c.req.header('authorization')
          ? 'the bearer token is not one of api.tokens'
          : 'this server requires a bearer token (Authorization: Bearer <token>)',
      );
    }
    c.set('caller', caller);
    await next();
  };
}

export function requireRole(caller: Caller, role: Role): void {
  if (role === 'admin' && caller.role !== 'admin')
    throw new HttpProblem(403, 'Forbidden', `this action needs the admin role; token "${caller.name}" is a viewer`);
}
