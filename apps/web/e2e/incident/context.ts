// What the incident checks share: the platform, the browser, and when the incident began and its alert moved.
import type { Browser } from 'playwright-core';
import type { E2ePlatform } from '../platform.ts';

export interface IncidentContext {
  e2e: E2ePlatform;
  browser: Browser;
  /** When the incident was switched on (ms). */
  startedAt: number;
  /** When the incident's ratio alert was first seen pending, then firing (ms; 0 until then). */
  pendingAt: number;
  firingAt: number;
}
