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

// The page the browser opened is fetched now, beside the entry chunk's start-up, not once React first renders it
// (a module is fetched once: lazy() below gets the same one).
for (const [name, load] of Object.entries(lazyPages))
  if (matchPath(patterns[name as keyof typeof lazyPages], window.location.pathname)) void load();

const OverviewPage = lazy(lazyPages.overview);
const FlowMapPage = lazy(lazyPages.flows);
const StreamsPage = lazy(lazyPages.streams);
const StreamDetailPage = lazy(lazyPages.stream);
const LagPage = lazy(lazyPages.lag);
const LagGroupPage = lazy(lazyPages.lagGroup);
const AlertsPage = lazy(lazyPages.alerts);
const AlertDetailPage = lazy(lazyPages.alert);
const RulesPage = lazy(lazyPages.rules);
const RuleDetailPage = lazy(lazyPages.rule);
const BenchRunsPage = lazy(lazyPages.bench);
const BenchRunPage = lazy(lazyPages.benchRun);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, staleTime: 5000, refetchOnWindowFocus: false },
  },
});

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: patterns.overview, element: <OverviewPage /> },
      { path: patterns.flows, element: <FlowMapPage /> },
      { path: patterns.streams, element: <StreamsPage /> },
      { path: patterns.stream, element: <StreamDetailPage /> },
      { path: patterns.lag, element: <LagPage /> },
      { path: patterns.lagGroup, element: <LagGroupPage /> },
      { path: patterns.alerts, element: <AlertsPage /> },
      { path: patterns.alert, element: <AlertDetailPage /> },
      { path: patterns.rules, element: <RulesPage /> },
      { path: patterns.rule, element: <RuleDetailPage /> },
      { path: patterns.bench, element: <BenchRunsPage /> },
      { path: patterns.benchRun, element: <BenchRunPage /> },
      { path: '*', element: <NotFound /> },
    ],
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
