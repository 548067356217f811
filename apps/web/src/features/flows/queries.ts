import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type AlertState = 'ok' | 'pending' | 'firing';
export type FlowNodeKind = 'producer' | 'topic' | 'exchange' | 'queue' | 'group' | 'consumer';

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  label: string;
  broker: 'kafka' | 'rabbitmq' | null;
  msg_per_sec: number;
  alert_state: AlertState;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  msg_per_sec: number;
  count: number;
  alert_state: AlertState;
}

export interface Flows {
  from: string;
  to: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export const flowQueries = {
  graph: (range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['flows', range],
      queryFn: ({ signal }) => api.get<Flows>('/flows', range, signal),
    }),
};
