import { lazy, StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, matchPath, RouterProvider } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { shouldRetry } from './api/client.ts';
import { Layout } from './app/Layout.tsx';
import { NotFound } from './app/NotFound.tsx';
import { patterns } from './routes.ts';
import './styles.css';

// Every page is a chunk of its own, fetched on first visit, so the entry chunk (the shell) stays small.
const lazyPages = {
  overview: () => import('./features/overview/OverviewPage.tsx').then((m) => ({ default: m.OverviewPage })),
  flows: () => import('./features/flows/FlowMapPage.tsx'),
  streams: () => import('./features/streams/StreamsPage.tsx'),
  stream: () => import('./features/streams/StreamDetailPage.tsx'),
  lag: () => import('./features/lag/LagPage.tsx'),
  lagGroup: () => import('./features/lag/LagGroupPage.tsx'),
  alerts: () => import('./features/alerts/AlertsPage.tsx'),
  alert: () => import('./features/alerts/AlertDetailPage.tsx'),
  rules: () => import('./features/rules/RulesPage.tsx'),
  rule: () => import('./features/rules/RuleDetailPage.tsx'),
  bench: () => import('./features/bench/BenchRunsPage.tsx'),
  benchRun: () => import('./features/bench/BenchRunPage.tsx'),
} satisfies Partial<Record<keyof typeof patterns, () => Promise<{ default: ComponentType }>>>;

type PageName = keyof typeof lazyPages;
const pageNames = Object.keys(lazyPages) as PageName[];

// The page the browser opened is fetched now, beside the entry chunk's start-up, not once React first renders it
// (a module is fetched once: lazy() below gets the same one).
for (const name of pageNames) if (matchPath(patterns[name], window.location.pathname)) void lazyPages[name]();

const pageRoutes = pageNames.map((name) => {
  const Page = lazy(lazyPages[name]);
  return { path: patterns[name], element: <Page /> };
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, staleTime: 5000, refetchOnWindowFocus: false },
  },
});

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [...pageRoutes, { path: '*', element: <NotFound /> }],
  },
]);

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
