// The /api/v1 contract: one module per resource, re-exported here. Depends only on zod (and core's duration
// syntax), so the web can import its types (`import type`) without adding anything to the bundle.
export * from './params.ts';
export * from './meta.ts';
export * from './streams.ts';
export * from './series.ts';
export * from './flows.ts';
export * from './lag.ts';
export * from './alerts.ts';
export * from './silences.ts';
export * from './rules.ts';
export * from './demo.ts';
export * from './bench.ts';
export * from './audit.ts';
