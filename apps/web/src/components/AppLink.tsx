// Links that keep the global time range and refresh in the URL, so the view survives navigation.
import type { ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { globalSearch } from '../app/time-range.ts';

function useKeptSearch(): string {
  return globalSearch(new URLSearchParams(useLocation().search));
}

export function AppLink({
  to,
  children,
  className,
  title,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  const search = useKeptSearch();
  return (
    <Link to={{ pathname: to, search }} className={className} title={title}>
      {children}
    </Link>
  );
}

export function NavItem({ to, children, end }: { to: string; children: ReactNode; end?: boolean }) {
  const search = useKeptSearch();
  return (
    <NavLink
      to={{ pathname: to, search }}
      end={end ?? false}
      className={({ isActive }) => `nav-item${isActive ? ' active' : ''}`}
    >
      {children}
    </NavLink>
  );
}
