// The frame: left navigation, a top bar with the time range, refresh, theme and who is signed in.
import { Suspense, useSyncExternalStore, type ReactNode } from 'react';
import { Outlet } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { NavItem } from '../components/AppLink.tsx';
import { Loading } from '../components/Panel.tsx';
import { session } from '../api/client.ts';
import { routes } from '../routes.ts';
import { alertQueries } from '../features/alerts/queries.ts';
import { authQueries } from '../features/auth/queries.ts';
import { SignInDialog } from '../features/auth/SignInDialog.tsx';
import { TimeRangePicker } from './TimeRangePicker.tsx';
import { useTimeRange } from './time-range.ts';
import { useTheme } from './theme.ts';
import { useDocumentTitle } from './document-title.ts';

/** Firing (red) and pending (amber) counts beside Alerts in the navigation; the firing count also goes in the title. */
function AlertCount() {
  const { refresh } = useTimeRange();
  const { data } = useQuery({ ...alertQueries.active(), refetchInterval: refresh.ms });
  const firing = data?.alerts.filter((a) => a.state === 'firing').length ?? 0;
  const pending = data?.alerts.filter((a) => a.state === 'pending').length ?? 0;
  useDocumentTitle(firing);
  return (
    <>
      {firing > 0 && (
        <span className="nav-count" aria-label={`${firing} firing`}>
          {firing}
        </span>
      )}
      {pending > 0 && (
        <span className="nav-count nav-count-pending" aria-label={`${pending} pending`}>
          {pending}
        </span>
      )}
    </>
  );
}

function WhoAmI() {
  const { data } = useQuery(authQueries.whoami());
  const token = useSyncExternalStore(session.subscribe, session.token);
  const client = useQueryClient();
  if (!data) return null;
  return (
    <div
      className="whoami"
      title={data.auth ? `signed in as ${data.name}` : 'no tokens configured: everyone on loopback is admin'}
    >
      <span className="whoami-name">{data.name}</span>
      <span className="badge tone-neutral">{data.role}</span>
      {token && (
        <button
          type="button"
          className="ghost small"
          onClick={() => {
            session.setToken(null);
            void client.resetQueries();
          }}
        >
          Sign out
        </button>
      )}
    </div>
  );
}

const NAV: { to: string; label: string; end?: boolean; extra?: ReactNode }[] = [
  { to: routes.overview(), label: 'Overview', end: true },
  { to: routes.flows(), label: 'Flow map' },
  { to: routes.streams(), label: 'Streams' },
  { to: routes.lag(), label: 'Lag' },
  { to: routes.alerts(), label: 'Alerts', extra: <AlertCount /> },
  { to: routes.rules(), label: 'Rules' },
  { to: routes.bench(), label: 'Bench' },
];

export function Layout() {
  const { theme, toggle } = useTheme();
  return (
    <div className="shell">
      {/* focuses the page itself, so the next Tab is the page's first control and the URL keeps no #content */}
      <a
        className="skip-link"
        href="#content"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('content')?.focus();
        }}
      >
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
        </div>
        {NAV.map((n) => (
          <NavItem key={n.to} to={n.to} end={n.end ?? false}>
            {n.label}
            {n.extra}
          </NavItem>
        ))}
      </nav>
      <div className="main">
        <header className="topbar">
          <TimeRangePicker />
          <div className="topbar-end">
            <WhoAmI />
            <button
              type="button"
              className="icon-button"
              onClick={toggle}
              aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
              title="Toggle theme"
            >
              <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
            </button>
          </div>
        </header>
        <main className="content" id="content" tabIndex={-1}>
          <Suspense fallback={<Loading label="Loading page…" />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      <SignInDialog />
    </div>
  );
}
