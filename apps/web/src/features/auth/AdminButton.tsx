// A button that changes things, which only an admin may press: a viewer sees it disabled and is told why. The API
// refuses a viewer anyway (403).
import type { ReactNode } from 'react';
import { useIsAdmin } from './use-is-admin.ts';

export function AdminButton({
  className,
  hint,
  pending = false,
  onClick,
  children,
}: {
  className?: string;
  /** The tooltip an admin sees. */
  hint?: string;
  /** Disabled while the change it made is still on its way. */
  pending?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  const admin = useIsAdmin();
  return (
    <button
      type="button"
      className={className}
      disabled={!admin || pending}
      title={admin ? hint : 'Only admins can do this'}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
