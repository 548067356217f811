// Coloured state labels: alert and rule states, lag status, severities.

const TONE: Record<string, string> = {
  firing: 'bad',
  critical: 'bad',
  STOP: 'bad',
  ERR: 'bad',
  STALL: 'bad',
  pending: 'warn',
  warning: 'warn',
  WARN: 'warn',
  ok: 'good',
  OK: 'good',
  resolved: 'good',
  inactive: 'neutral',
  info: 'info',
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge tone-${TONE[value] ?? 'neutral'}`}>{label ?? value}</span>;
}
