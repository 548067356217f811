// Audit levels, from the most kept per message to the least: the config chooses them per stream and the stream
// detail reports them, so both read the names from here.
export const AUDIT_LEVELS = ['rows', 'keys', 'counts'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
