// View state that belongs in the URL (filters, focus, sort order), beside the time range, so a link reproduces the view.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** One search parameter as state: an empty value removes it. Updates replace the history entry, as typing would flood it. */
export function useSearchParam(key: string): [string, (value: string) => void] {
  const [search, setSearch] = useSearchParams();
  const set = useCallback(
    (value: string) =>
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [key, setSearch],
  );
  return [search.get(key) ?? '', set];
}
