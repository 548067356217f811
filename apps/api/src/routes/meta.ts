// Who is calling, so the dashboard can hide what a viewer may not do.
import { whoamiResponse } from '@rollcall/contract/meta';
import type { RouteDeps } from './deps.ts';

export function metaRoutes({ routes }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/whoami',
    summary: 'The caller’s name and role',
    tag: 'meta',
    role: 'viewer',
    response: whoamiResponse,
    handler: ({ caller }) => ({ name: caller.name, role: caller.role, auth: caller.auth }),
  });
}
