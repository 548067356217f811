// The headline numbers at the top of a page.
import type { ReactNode } from 'react';

interface TileProps {
  label: string;
  /** `undefined` while the data is on its way (shown as "…"). */
  value: ReactNode;
  sub?: ReactNode;
  tone?: 'bad' | 'warn' | null;
  /** For text rather than a number. */
  small?: boolean;
}

export function Tile({ label, value, sub, tone, small = false }: TileProps) {
  return (
    <div className={tone ? `tile tile-${tone}` : 'tile'}>
      <div className="tile-label">{label}</div>
      <div className={small ? 'tile-value small-value' : 'tile-value'}>{value === undefined ? '…' : value}</div>
      {sub !== undefined && <div className="tile-sub">{sub}</div>}
    </div>
  );
}

export function Tiles({ children }: { children: ReactNode }) {
  return <div className="tiles">{children}</div>;
}
