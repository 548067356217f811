// A Kafka consumer group's status from its last samples, judged per partition as Burrow does; the group takes
// its worst partition. Pure: the sampler passes the rounds in, oldest first.
import { idleLongEnough, isWorse, num, readWindow, rising, trailing, trend, type Verdict } from './status.ts';

export interface PartitionReading {
  topic: string;
  partition: number;
  committed: number;
  logStart: number;
  logEnd: number;
  lag: number;
  /** null when the tap has stored nothing at or after the committed offset */
  lagSeconds: number | null;
  /** client id of the member the partition is assigned to; '' when no member holds it */
  owner: string;
}

export interface KafkaGroupRound {
  at: number;
  /** why the group could not be read this round */
  error?: string;
  state: string;
  members: number;
  /** false when member assignments could not be decoded (not the consumer protocol): then any member counts as owner */
  assignmentKnown: boolean;
  /** partitions the group has a committed offset for */
  partitions: PartitionReading[];
}

interface Point {
  reading: PartitionReading;
  owned: boolean;
}

const OK_CAUGHT_UP: Verdict = { status: 'OK', reason: 'caught up' };

export function evaluateKafkaGroup(rounds: KafkaGroupRound[], window: number): Verdict {
  const judged = readWindow(rounds, window, 'group');
  if ('verdict' in judged) return judged.verdict;
  const { last, read } = judged;
  if (last.partitions.length === 0) return { status: 'OK', reason: `no committed offsets; ${last.members} members` };

  let worst: Verdict = OK_CAUGHT_UP;
  let alsoWorst = 0;
  for (const { topic, partition } of last.partitions) {
    const series = read.flatMap((r): Point[] => {
      const reading = r.partitions.find((p) => p.topic === topic && p.partition === partition);
      return reading ? [{ reading, owned: r.assignmentKnown ? reading.owner !== '' : r.members > 0 }] : [];
    });
    const verdict = evaluatePartition(series, window);
    if (isWorse(verdict.status, worst.status)) {
      worst = verdict;
      alsoWorst = 0;
    } else if (verdict.status === worst.status && verdict.status !== 'OK') alsoWorst++;
  }
  if (worst.status === 'OK') {
    const total = groupTotals(read);
    if (
      read.length >= window &&
      total &&
      total.lags.every((l) => l > 0) &&
      rising(total.lags) &&
      (total.committed.at(-1) ?? 0) > (total.committed[0] ?? 0)
    ) {
      const advanced = (total.committed.at(-1) ?? 0) - (total.committed[0] ?? 0);
      return { status: 'WARN', reason: `${trend('lag', total.lags)}; committed offsets advanced by ${num(advanced)}` };
    }
    const lag = last.partitions.reduce((n, p) => n + p.lag, 0);
    return lag === 0
      ? OK_CAUGHT_UP
      : {
          status: 'OK',
          reason: `lag ${num(lag)} over ${last.partitions.length} partition${last.partitions.length === 1 ? '' : 's'}; consuming`,
        };
  }
  return alsoWorst > 0
    ? { ...worst, reason: `${worst.reason} (and ${alsoWorst} more partitions ${worst.status})` }
    : worst;
}

function evaluatePartition(series: Point[], window: number): Verdict {
  const lags = series.map((p) => p.reading.lag);
  const last = series.at(-1);
  // Burrow's first rule: a consumer that was caught up at any point in the window is fine.
  if (!last || lags.some((l) => l <= 0)) return OK_CAUGHT_UP;
  const { reading } = last;
  const where = `${reading.topic}/${reading.partition}`;
  const first = series[0]?.reading ?? reading;
  if (reading.committed < reading.logStart && rising(lags)) {
    return {
      status: 'ERR',
      reason: `${trend('lag', lags)} on ${where}; committed offset ${num(reading.committed)} is behind the log start ${num(reading.logStart)}: messages were deleted before they were consumed`,
    };
  }
  const unchanged = trailing(series, (p) => p.reading.committed === reading.committed);
  if (idleLongEnough(unchanged, series.length)) {
    if (!last.owned) {
      return {
        status: 'STOP',
        reason: `${trend('lag', lags)} on ${where}; committed offset unchanged for ${unchanged} samples and no member owns the partition`,
      };
    }
    if (series.length >= window && unchanged === series.length) {
      return {
        status: 'STALL',
        reason: `${trend('lag', lags)} on ${where}; committed offset ${num(reading.committed)} unchanged for ${unchanged} samples although ${reading.owner || 'a member'} owns the partition`,
      };
    }
  }
  if (series.length >= window && rising(lags) && reading.committed > first.committed) {
    return {
      status: 'WARN',
      reason: `${trend('lag', lags)} on ${where}; committed offset advanced by ${num(reading.committed - first.committed)}`,
    };
  }
  return { status: 'OK', reason: `lag ${num(reading.lag)} on ${where}; consuming` };
}

/** Summed lag and committed offsets per round, over the rounds that hold every partition of the latest one,
 * so a consumer that is slow across many partitions shows up even when each partition alone is noisy. */
function groupTotals(read: KafkaGroupRound[]): { lags: number[]; committed: number[] } | undefined {
  const keys = new Set(read.at(-1)?.partitions.map((p) => `${p.topic}/${p.partition}`));
  const whole = read.filter(
    (r) => r.partitions.filter((p) => keys.has(`${p.topic}/${p.partition}`)).length === keys.size,
  );
  if (whole.length !== read.length) return undefined;
  const sum = (r: KafkaGroupRound, pick: (p: PartitionReading) => number) =>
    r.partitions.reduce((n, p) => (keys.has(`${p.topic}/${p.partition}`) ? n + pick(p) : n), 0);
  return { lags: whole.map((r) => sum(r, (p) => p.lag)), committed: whole.map((r) => sum(r, (p) => p.committed)) };
}
