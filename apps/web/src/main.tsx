import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { shouldRetry } from './api/client.ts';
import { Layout } from './app/Layout.tsx';
import { NotFound } from './app/NotFound.tsx';
import { OverviewPage } from './features/overview/OverviewPage.tsx';
import { patterns } from './routes.ts';
import './styles.css';

// The overview is in the entry chunk; every other page loads on first visit, so the first paint stays small.
const FlowMapPage = lazy(() => import('./features/flows/FlowMapPage.tsx'));
const StreamsPage = lazy(() => import('./features/streams/StreamsPage.tsx'));
const StreamDetailPage = lazy(() => import('./features/streams/StreamDetailPage.tsx'));
const LagPage = lazy(() => import('./features/lag/LagPage.tsx'));
const LagGroupPage = lazy(() => import('./features/lag/LagGroupPage.tsx'));
const AlertsPage = lazy(() => import('./features/alerts/AlertsPage.tsx'));
const AlertDetailPage = lazy(() => import('./features/alerts/AlertDetailPage.tsx'));
const RulesPage = lazy(() => import('./features/rules/RulesPage.tsx'));
const RuleDetailPage = lazy(() => import('./features/rules/RuleDetailPage.tsx'));
const BenchRunsPage = lazy(() => import('./features/bench/BenchRunsPage.tsx'));
const BenchRunPage = lazy(() => import('./features/bench/BenchRunPage.tsx'));

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
