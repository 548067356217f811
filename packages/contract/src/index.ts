// The /api/v1 contract: one module per resource, re-exported here. Depends only on zod, so the web can import its
// types (`import type`) without adding anything to the bundle.
export {};
