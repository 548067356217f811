// Acknowledge and silence: admin only. Viewers see the buttons disabled; the API refuses them anyway (403).
import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/Panel.tsx';
import { AdminButton } from '../auth/AdminButton.tsx';
import { alertMutations, type Alert, type Matcher } from './queries.ts';

interface ActionDialogProps {
  /** The button's text, the submit button's too; the dialog is titled "<label> <rule>". */
  label: string;
  hint: string;
  alert: Alert;
  ghost?: boolean;
  mutation: { isPending: boolean; isError: boolean; error: unknown };
  canSubmit?: boolean;
  /** Gets `close` to call once the change went through. */
  onSubmit: (close: () => void) => void;
  children: ReactNode;
}

/** An admin's button that opens a form in a dialog: the fields, the mutation's error, Cancel and submit. */
function ActionDialog({
  label,
  hint,
  alert,
  ghost = false,
  mutation,
  canSubmit = true,
  onSubmit,
  children,
}: ActionDialogProps) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <AdminButton className={ghost ? 'small ghost' : 'small'} hint={hint} onClick={() => setOpen(true)}>
        {label}
      </AdminButton>
      <Dialog open={open} title={`${label} ${alert.rule_id}`} onClose={close}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit(close);
          }}
        >
          {children}
          {mutation.isError && <ErrorState error={mutation.error} />}
          <div className="dialog-actions">
            <button type="button" className="ghost" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={mutation.isPending || !canSubmit}>
              {label}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

function CommentField({
  value,
  onChange,
  rows,
  placeholder,
  required = false,
}: {
  value: string;
  onChange: (text: string) => void;
  rows: number;
  placeholder: string;
  required?: boolean;
}) {
  return (
    <label className="field">
      <span>Comment</span>
      <textarea
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={rows}
        required={required}
        placeholder={placeholder}
      />
    </label>
  );
}

export function AckButton({ alert }: { alert: Alert }) {
  const [comment, setComment] = useState('');
  const client = useQueryClient();
  const ack = useMutation(alertMutations.acknowledge(client));
  if (alert.acknowledged) return null;
  return (
    <ActionDialog
      label="Acknowledge"
      hint="Acknowledge: no more reminders"
      alert={alert}
      mutation={ack}
      onSubmit={(close) => ack.mutate({ fingerprint: alert.fingerprint, comment }, { onSuccess: close })}
    >
      <p className="muted">{alert.summary}</p>
      <CommentField value={comment} onChange={setComment} rows={3} placeholder="Looking into it" />
    </ActionDialog>
  );
}

const DURATIONS = ['1h', '4h', '12h', '24h', '7d'];

export function SilenceButton({ alert }: { alert: Alert }) {
  const [duration, setDuration] = useState('4h');
  const [comment, setComment] = useState('');
  const initial: Matcher[] = [
    { name: 'rule_id', value: alert.rule_id, op: '=' },
    ...(alert.stream ? [{ name: 'stream', value: alert.stream, op: '=' as const }] : []),
  ];
  const [matchers, setMatchers] = useState<Matcher[]>(initial);
  const client = useQueryClient();
  const silence = useMutation(alertMutations.silence(client));
  const edit = (i: number, change: Partial<Matcher>) =>
    setMatchers(matchers.map((x, j) => (j === i ? { ...x, ...change } : x)));
  return (
    <ActionDialog
      label="Silence"
      hint="Hold back notifications"
      alert={alert}
      ghost
      mutation={silence}
      canSubmit={matchers.length > 0}
      onSubmit={(close) => silence.mutate({ matchers, duration, comment }, { onSuccess: close })}
    >
      <fieldset className="matchers">
        <legend>Matching alerts</legend>
        {matchers.map((m, i) => (
          <div key={i} className="matcher">
            <input aria-label="Label" value={m.name} onChange={(e) => edit(i, { name: e.target.value })} />
            <select
              aria-label="Operator"
              value={m.op}
              onChange={(e) => edit(i, { op: e.target.value as Matcher['op'] })}
            >
              {(['=', '!=', '=~', '!~'] as const).map((op) => (
                <option key={op}>{op}</option>
              ))}
            </select>
            <input aria-label="Value" value={m.value} onChange={(e) => edit(i, { value: e.target.value })} />
            <button
              type="button"
              className="ghost small"
              aria-label="Remove matcher"
              onClick={() => setMatchers(matchers.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          className="ghost small"
          onClick={() => setMatchers([...matchers, { name: '', value: '', op: '=' }])}
        >
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
      <CommentField value={comment} onChange={setComment} rows={2} required placeholder="Planned maintenance" />
    </ActionDialog>
  );
}
