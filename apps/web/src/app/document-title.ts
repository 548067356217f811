// document.title names the page and how many alerts fire ("(2 firing) Overview · Rollcall"): each page reports its
// title here, the layout adds the firing count.
import { useEffect, useSyncExternalStore } from 'react';

let current = '';
const listeners = new Set<() => void>();

const store = {
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: () => current,
};

/** Called by every page with its title (undefined while the title is loading). */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    if (title === undefined) return;
    current = title;
    for (const l of listeners) l();
  }, [title]);
}

export function documentTitle(page: string, firing: number): string {
  return `${firing > 0 ? `(${firing} firing) ` : ''}${page ? `${page} · ` : ''}Rollcall`;
}

/** Keeps document.title in step with the page's title and the firing count. */
export function useDocumentTitle(firing: number): void {
  const page = useSyncExternalStore(store.subscribe, store.get);
  useEffect(() => {
    document.title = documentTitle(page, firing);
  }, [page, firing]);
}
