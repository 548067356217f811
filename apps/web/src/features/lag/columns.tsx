// The columns a consumer group or queue shows wherever it is listed (the lag page and the overview).
import { Badge } from '../../components/Badge.tsx';
import type { Column } from '../../components/DataTable.tsx';
import { formatCount, formatDuration } from '../../lib/format.ts';
import type { LagGroup } from './queries.ts';

/** Time behind, when the broker can tell it. */
export const lagTime = (g: Pick<LagGroup, 'lag_seconds'>) =>
  g.lag_seconds === null ? '–' : formatDuration(g.lag_seconds * 1000);

export const LAG_COLUMNS = {
  status: { key: 'status', header: 'Status', cell: (g) => <Badge value={g.status} /> },
  lag: { key: 'lag', header: 'Lag (messages)', align: 'right', cell: (g) => formatCount(g.lag), sort: (g) => g.lag },
  time: { key: 'time', header: 'Lag (time)', align: 'right', cell: lagTime, sort: (g) => g.lag_seconds },
} satisfies Record<string, Column<LagGroup>>;
