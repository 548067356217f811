// Pages of a list the server cuts into pages: "101–200 of 1,000" with previous and next, the page kept in the URL.
import { formatCount } from '../lib/format.ts';
import { useSearchParam } from '../lib/use-search-param.ts';

/** The page (from 1) in the URL parameter `param`, and the offset it starts at. */
export function usePage(
  size: number,
  param = 'page',
): { page: number; offset: number; setPage: (page: number) => void } {
  const [text, setText] = useSearchParam(param);
  const page = Math.max(1, Math.floor(Number(text)) || 1);
  return { page, offset: (page - 1) * size, setPage: (p) => setText(p > 1 ? String(p) : '') };
}

export function Pager({
  page,
  size,
  total,
  label,
  onPage,
}: {
  page: number;
  size: number;
  total: number;
  label: string;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (total <= size && page === 1) return null;
  const first = Math.min(total, (page - 1) * size + 1);
  const last = Math.min(total, page * size);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span className="muted small" aria-live="polite">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)} {label}
      </span>
      <button type="button" className="small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}
