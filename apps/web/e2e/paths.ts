import { fileURLToPath } from 'node:url';

/** The built dashboard the server serves at `/`. */
export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
/** Screenshots written by the tests (not committed). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
