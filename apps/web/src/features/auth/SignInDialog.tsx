// Asks for a bearer token when the API answers 401; the token is kept in localStorage.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { session } from '../../api/client.ts';

export function SignInDialog() {
  const wanted = useSyncExternalStore(session.subscribe, session.signInWanted);
  const [token, setToken] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const client = useQueryClient();

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (wanted && !d.open) d.showModal();
    if (!wanted && d.open) d.close();
  }, [wanted]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    session.setToken(token.trim());
    setToken('');
    void client.resetQueries();
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="sign-in-title" onCancel={(e) => e.preventDefault()}>
      <form onSubmit={submit}>
        <h2 id="sign-in-title">Sign in</h2>
        <p className="muted">This Rollcall needs an API token. Ask an operator for one (rollcall token create).</p>
        <label className="field">
          <span>API token</span>
          <input type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="primary">
            Sign in
          </button>
        </div>
      </form>
    </dialog>
  );
}
