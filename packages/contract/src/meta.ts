// Who is calling, so the dashboard can hide what a viewer may not do.
import { z } from 'zod';

export const whoamiResponse = z.object({
  name: z.string(),
  role: z.enum(['viewer', 'admin']),
  auth: z.boolean().describe('false when the server runs without tokens (loopback only)'),
});
export type WhoAmI = z.output<typeof whoamiResponse>;
