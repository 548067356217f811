// Asks for a bearer token when the API answers 401; the token is kept in localStorage.
import { useState, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { session } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';

export function SignInDialog() {
  const wanted = useSyncExternalStore(session.subscribe, session.signInWanted);
  const [token, setToken] = useState('');
  const client = useQueryClient();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    session.setToken(token.trim());
    setToken('');
    void client.resetQueries();
  };

  return (
    <Dialog open={wanted} title="Sign in">
      <form onSubmit={submit}>
        <p className="muted">This Rollcall needs an API token. Ask an operator for one (rollcall token create).</p>
        <label className="field">
          <span>API token</span>
          <input
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoFocus
          />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="primary">
            Sign in
          </button>
        </div>
      </form>
    </Dialog>
  );
}
