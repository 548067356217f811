// The frame of every page: the title line (h1, badges and notes beside it, actions at the right) and, for a
// page that stands on one query, its loading and error states in place of the body.
import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { usePageTitle } from '../app/document-title.ts';
import { QueryState } from './Panel.tsx';

interface PageProps<T> {
  /** The h1; a page whose title comes from its query leaves it out until the data is there. */
  title?: ReactNode;
  /** Badges and muted notes beside the title. */
  meta?: ReactNode;
  actions?: ReactNode;
  /** A line under the title. */
  lead?: ReactNode;
  /** The body fills the window's height (the flow map). */
  fill?: boolean;
  /** With a query, the body is its data: a spinner while it loads, the problem if it fails. */
  query?: UseQueryResult<T>;
  children: ReactNode | ((data: T) => ReactNode);
}

export function Page<T>({ title, meta, actions, lead, fill = false, query, children }: PageProps<T>) {
  usePageTitle(typeof title === 'string' ? title : undefined);
  const render = (data: T) => (typeof children === 'function' ? children(data) : children);
  const body = query ? (
    <QueryState query={query}>{render}</QueryState>
  ) : typeof children === 'function' ? null : (
    children
  );
  return (
    <div className={fill ? 'page page-fill' : 'page'}>
      {title !== undefined && (
        <div className="page-head">
          <h1>{title}</h1>
          {meta}
          {actions && <div className="page-actions">{actions}</div>}
        </div>
      )}
      {lead && <p className="lead">{lead}</p>}
      {body}
    </div>
  );
}
