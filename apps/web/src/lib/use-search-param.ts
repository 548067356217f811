// View state that belongs in the URL (filters, focus, sort order), beside the time range, so a link reproduces the view.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** One search parameter as state: an empty value removes it. Updates replace the history entry, as typing would flood it.
 * `clear` names parameters the change resets (a new filter goes back to the first page): one update, as two in a row
 * would each start from the same URL and the second would undo the first. */
export function useSearchParam(key: string): [string, (value: string, clear?: string[]) => void] {
  const [search, setSearch] = useSearchParams();
  const set = useCallback(
    (value: string, clear: string[] = []) =>
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          for (const c of clear) next.delete(c);
          return next;
        },
        { replace: true },
      ),
    [key, setSearch],
  );
  return [search.get(key) ?? '', set];
}
