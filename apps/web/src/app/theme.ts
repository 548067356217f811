// Light/dark theme: follows prefers-color-scheme until the user picks one, which is then remembered.
// One store for the whole page so the flow map and charts follow the toggle in the top bar.
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'rollcall.theme';
const listeners = new Set<() => void>();

const media = () => window.matchMedia('(prefers-color-scheme: dark)');

function storedTheme(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null;
  }
}

function current(): Theme {
  return storedTheme() ?? (media().matches ? 'dark' : 'light');
}

function apply() {
  document.documentElement.dataset.theme = current();
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) media().addEventListener('change', apply);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) media().removeEventListener('change', apply);
  };
}

export function toggleTheme() {
  localStorage.setItem(KEY, current() === 'dark' ? 'light' : 'dark');
  apply();
}

export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, current);
  return { theme, toggle: toggleTheme };
}
