// The demo's Card→Fraud incident switch, which the server proxies to the demo pilots (`npm start`).
import { z } from 'zod';

export const incidentSchema = z.object({
  available: z.boolean().describe('false when no demo pilots are attached (api.pilots_url unset)'),
  active: z.boolean(),
  pilot: z.string(),
  event_type: z.string(),
  story: z.string(),
  rules: z.array(z.string()),
  started_at: z.string().nullable(),
});
export type Incident = z.output<typeof incidentSchema>;
