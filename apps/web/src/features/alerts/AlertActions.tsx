// Acknowledge and silence: admin only. Viewers see the buttons disabled; the API refuses them anyway (403).
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/Panel.tsx';
import { useIsAdmin } from '../auth/use-is-admin.ts';
import { alertMutations, type Alert, type Matcher } from './queries.ts';

const ADMIN_ONLY = 'Only admins can do this';

export function AckButton({ alert }: { alert: Alert }) {
  const admin = useIsAdmin();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const client = useQueryClient();
  const ack = useMutation(alertMutations.acknowledge(client));
  if (alert.acknowledged) return null;
  return (
    <>
      <button type="button" className="small" disabled={!admin} title={admin ? 'Acknowledge: no more reminders' : ADMIN_ONLY} onClick={() => setOpen(true)}>
        Acknowledge
      </button>
      <Dialog open={open} title={`Acknowledge ${alert.rule_id}`} onClose={() => setOpen(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            ack.mutate({ fingerprint: alert.fingerprint, comment }, { onSuccess: () => setOpen(false) });
          }}
        >
          <p className="muted">{alert.summary}</p>
          <label className="field">
            <span>Comment</span>
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} placeholder="Looking into it" />
          </label>
          {ack.isError && <ErrorState error={ack.error} />}
          <div className="dialog-actions">
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={ack.isPending}>
              Acknowledge
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

const DURATIONS = ['1h', '4h', '12h', '24h', '7d'];

export function SilenceButton({ alert }: { alert: Alert }) {
  const admin = useIsAdmin();
  const [open, setOpen] = useState(false);
  const [duration, setDuration] = useState('4h');
  const [comment, setComment] = useState('');
  const initial: Matcher[] = [{ name: 'rule_id', value: alert.rule_id, op: '=' }, ...(alert.stream ? [{ name: 'stream', value: alert.stream, op: '=' as const }] : [])];
  const [matchers, setMatchers] = useState<Matcher[]>(initial);
  const client = useQueryClient();
  const silence = useMutation(alertMutations.silence(client));
  return (
    <>
      <button type="button" className="small ghost" disabled={!admin} title={admin ? 'Hold back notifications' : ADMIN_ONLY} onClick={() => setOpen(true)}>
        Silence
      </button>
      <Dialog open={open} title={`Silence ${alert.rule_id}`} onClose={() => setOpen(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            silence.mutate({ matchers, duration, comment }, { onSuccess: () => setOpen(false) });
          }}
        >
          <fieldset className="matchers">
            <legend>Matching alerts</legend>
            {matchers.map((m, i) => (
              <div key={i} className="matcher">
                <input aria-label="Label" value={m.name} onChange={(e) => setMatchers(matchers.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                <select aria-label="Operator" value={m.op} onChange={(e) => setMatchers(matchers.map((x, j) => (j === i ? { ...x, op: e.target.value as Matcher['op'] } : x)))}>
                  {(['=', '!=', '=~', '!~'] as const).map((op) => (
                    <option key={op}>{op}</option>
                  ))}
                </select>
                <input aria-label="Value" value={m.value} onChange={(e) => setMatchers(matchers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
                <button type="button" className="ghost small" aria-label="Remove matcher" onClick={() => setMatchers(matchers.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </div>
            ))}
            <button type="button" className="ghost small" onClick={() => setMatchers([...matchers, { name: '', value: '', op: '=' }])}>
              + matcher
            </button>
          </fieldset>
          <label className="field">
            <span>For</span>
            <select value={duration} onChange={(e) => setDuration(e.target.value)}>
              {DURATIONS.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Comment</span>
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} required placeholder="Planned maintenance" />
          </label>
          {silence.isError && <ErrorState error={silence.error} />}
          <div className="dialog-actions">
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={silence.isPending || matchers.length === 0}>
              Silence
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
