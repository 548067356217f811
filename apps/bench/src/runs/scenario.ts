// A run's recorded parameters and its scenario key: the parameters that make two runs comparable. Duration and
// drain time are left out (a longer run of the same load is the same scenario); the broker version and host are
// left out too, since comparing across an upgrade is what a baseline is for.
import type { RunParams, Thresholds } from '@rollcall/contract/bench';
import { effectiveTuning, redactUrl, type LoadOptions } from '../load/options.ts';

export function recordParams(o: LoadOptions, thresholds: Thresholds): RunParams {
  const common = {
    broker: o.broker,
    target: o.broker === 'kafka' ? o.brokers.join(',') : redactUrl(o.url),
    producers: o.producers,
    consumers: o.consumers,
    size: o.size,
    rate: o.rate,
    durationMs: o.durationMs,
    drainMs: o.drainMs,
    tuning: o.tuning,
    effective: effectiveTuning(o),
    thresholds,
  };
  return o.broker === 'kafka'
    ? { ...common, acks: o.acks, idempotent: o.idempotent, partitions: o.partitions }
    : { ...common, confirms: o.confirms, persistent: o.persistent, queues: o.queues };
}

const onOff = (b: boolean | undefined) => (b ? 'on' : 'off');

export function scenarioKey(label: string, p: RunParams): string {
  const parts = [
    p.broker,
    `size=${p.size}`,
    `producers=${p.producers}`,
    `consumers=${p.consumers}`,
    `rate=${p.rate > 0 ? p.rate : 'max'}`,
  ];
  if (p.broker === 'kafka')
    parts.push(`acks=${p.acks ?? 'all'}`, `idempotent=${onOff(p.idempotent)}`, `partitions=${p.partitions ?? 1}`);
  else parts.push(`confirms=${onOff(p.confirms)}`, `persistent=${onOff(p.persistent)}`, `queues=${p.queues ?? 1}`);
  if (p.tuning.batch !== undefined) parts.push(`batch=${p.tuning.batch}`);
  if (p.tuning.inFlight !== undefined) parts.push(`in-flight=${p.tuning.inFlight}`);
  if (p.tuning.prefetch !== undefined) parts.push(`prefetch=${p.tuning.prefetch}`);
  const key = parts.join(' ');
  return label ? `${label}: ${key}` : key;
}

/** A file-name-safe short form of a scenario key. */
export function scenarioSlug(scenario: string): string {
  return scenario
    .toLowerCase()
    .replace(/producers=/g, 'p')
    .replace(/consumers=/g, 'c')
    .replace(/partitions=/g, 'part')
    .replace(/idempotent=/g, 'idem-')
    .replace(/persistent=/g, 'persist-')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}
