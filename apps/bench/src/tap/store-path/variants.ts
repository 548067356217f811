// The store-path benchmark's variants: each one the schema migrations create, less or plus one thing, and the
// insert the tap would send into it. Every variant stays exact unless it says otherwise (`dedup: false`).
import {
  KEYS_INTO_EVENTS,
  KEYS_INTO_OWN_TABLE,
  ROW_COLUMNS,
  ROW_COLUMNS_WITH_EVENT_TIME,
  TYPES,
  type Column,
} from './columns.ts';

export type Format = 'TabSeparated' | 'RowBinary' | 'Native' | 'Arrow';

export interface Variant {
  id: string;
  /** The brief's letter: a schema, f keys rows, g batch size, h format, j settings. */
  group: string;
  label: string;
  /** Statements run after the migrations, on a fresh database. */
  schema: (db: string) => string[];
  table: string;
  columns: Column[];
  format: Format;
  /** Rows per insert; the run's default when unset. */
  batchRows?: number;
  /** Per-insert settings on top of store.ts's. */
  settings?: Record<string, string | number>;
  /** False for a variant that turns deduplication off: a replayed batch is then stored twice (not acceptable). */
  dedup?: boolean;
  /** Whether the stored rows must hash the same as the baseline's (all 28 columns). */
  sameContent: boolean;
  /** The tap inserts the batch's per-minute rollup rows itself (rollup.ts), right after the rows, with the
   * batch's token suffixed: the view is dropped, the hourly one still follows the per-minute table. */
  tapRollup?: boolean;
  /** Not usable in production as measured (binary payloads through chDB's inline insert data). */
  unsafe?: boolean;
  /** Whether the rows reach events_per_minute and events_per_hour (whose sums must then equal n too). */
  rollups: boolean;
}

const DROP_PROJECTION = (db: string) => `ALTER TABLE ${db}.events DROP PROJECTION kafka_high_water`;
const DROP_ROLLUP_VIEW = (db: string) => `DROP VIEW ${db}.events_per_minute_mv`;
const DROP_SKIP_INDEX = (db: string) => `ALTER TABLE ${db}.events DROP INDEX event_at_minmax`;
const DROP_DEFAULTS = (db: string) => [
  `ALTER TABLE ${db}.events MODIFY COLUMN event_at REMOVE DEFAULT`,
  `ALTER TABLE ${db}.events MODIFY COLUMN clock_skew REMOVE DEFAULT`,
];
const tableSetting = (setting: string) => (db: string) => [`ALTER TABLE ${db}.events MODIFY SETTING ${setting}`];

/** The narrow table a `keys` audit level could write: the high-water projection and deduplication stay. */
const KEYS_TABLE = (db: string) => [
  `CREATE TABLE ${db}.events_keys (
    ${KEYS_INTO_OWN_TABLE.map((c) => `${c.name} ${c.kind === 'text' && !/message_id|correlation_id/.test(c.name) ? 'LowCardinality(String)' : c.kind === 'time' ? TYPES.time : TYPES[c.kind]}`).join(',\n    ')},
    PROJECTION kafka_high_water (SELECT broker, cluster, stream, partition, max(offset) GROUP BY broker, cluster, stream, partition)
  ) ENGINE = MergeTree
  PARTITION BY toDate(observed_at)
  ORDER BY (broker, cluster, stream, kind, observed_at)
  TTL toDateTime(observed_at) + INTERVAL 30 DAY
  SETTINGS non_replicated_deduplication_window = 10000`,
];

const rows = (over: Partial<Variant> & Pick<Variant, 'id' | 'group' | 'label'>): Variant => ({
  schema: () => [],
  table: 'events',
  columns: ROW_COLUMNS,
  format: 'TabSeparated',
  sameContent: true,
  rollups: true,
  ...over,
});

export const BASELINE_ID = 'full';

export const VARIANTS: Variant[] = [
  rows({ id: BASELINE_ID, group: 'a', label: 'today: full schema, 26-column TSV (store.ts)' }),
  rows({
    id: 'no-projection',
    group: 'b',
    label: 'without the kafka_high_water projection',
    schema: (db) => [DROP_PROJECTION(db)],
  }),
  rows({
    id: 'no-rollups',
    group: 'c',
    label: 'without the per-minute view (so no hourly one)',
    schema: (db) => [DROP_ROLLUP_VIEW(db)],
    rollups: false,
  }),
  rows({
    id: 'no-hourly-view',
    group: 'c',
    label: 'without the hourly view (the per-minute one stays)',
    schema: (db) => [`DROP VIEW ${db}.events_per_hour_mv`],
    sameContent: true,
    rollups: false,
  }),
  rows({
    id: 'tap-rollup',
    group: 'c',
    label: 'per-minute rollup aggregated by the tap and inserted after the rows (no view; the hourly view stays)',
    schema: (db) => [DROP_ROLLUP_VIEW(db)],
    tapRollup: true,
  }),
  rows({
    id: 'no-skip-index',
    group: 'd',
    label: 'without the event_at minmax index',
    schema: (db) => [DROP_SKIP_INDEX(db)],
  }),
  rows({
    id: 'no-defaults',
    group: 'e',
    label: 'without the DEFAULT expressions (event_at, clock_skew left zero; rollups land in 1970 and expire)',
    schema: DROP_DEFAULTS,
    sameContent: false,
    rollups: false,
  }),
  rows({
    id: 'event-time-sent',
    group: 'e',
    label: 'event_at and clock_skew computed by the tap and sent (28 columns)',
    columns: ROW_COLUMNS_WITH_EVENT_TIME,
  }),
  rows({
    id: 'bare',
    group: 'a-e',
    label: 'none of b-e: MergeTree with dedup only',
    schema: (db) => [DROP_PROJECTION(db), DROP_ROLLUP_VIEW(db), DROP_SKIP_INDEX(db), ...DROP_DEFAULTS(db)],
    sameContent: false,
    rollups: false,
  }),
  rows({
    id: 'keys-into-events',
    group: 'f',
    label: 'keys row (14 columns) into events, the rest defaults',
    columns: KEYS_INTO_EVENTS,
    sameContent: false,
  }),
  rows({
    id: 'keys-own-table',
    group: 'f',
    label: 'keys row (14 columns) into a narrow events_keys table (projection, dedup)',
    schema: KEYS_TABLE,
    table: 'events_keys',
    columns: KEYS_INTO_OWN_TABLE,
    sameContent: false,
    rollups: false,
  }),
  ...[1_000, 50_000, 100_000].map((batchRows) =>
    rows({
      id: `batch-${batchRows / 1000}k`,
      group: 'g',
      label: `full schema, ${batchRows / 1000}k rows per insert`,
      batchRows,
    }),
  ),
  rows({
    id: 'arrow',
    group: 'h',
    label: 'full schema, Arrow columns registered with chDB and INSERT … SELECT (26 columns)',
    format: 'Arrow',
  }),
  // Not usable through chDB 3.4 as is (see columns.ts): measured on rows with no 0x0A byte in any integer.
  rows({
    id: 'rowbinary',
    group: 'h',
    label: 'full schema, RowBinary (26 columns; integers without 0x0A bytes)',
    format: 'RowBinary',
    sameContent: false,
    unsafe: true,
  }),
  rows({
    id: 'native',
    group: 'h',
    label: 'full schema, Native (26 columns, LowCardinality sent as String; integers without 0x0A bytes)',
    format: 'Native',
    sameContent: false,
    unsafe: true,
  }),
  rows({
    id: 'basic-datetime',
    group: 'j',
    label: "date_time_input_format='basic' (the TSV's unix-second times without the best-effort parser)",
    settings: { date_time_input_format: 'basic' },
  }),
  rows({ id: 'optimize-on-insert-0', group: 'j', label: 'optimize_on_insert=0', settings: { optimize_on_insert: 0 } }),
  rows({
    id: 'serial-parsing',
    group: 'j',
    label: 'input_format_parallel_parsing=0',
    settings: { input_format_parallel_parsing: 0 },
  }),
  rows({
    id: 'no-index-on-insert',
    group: 'j',
    label: 'materialize_skip_indexes_on_insert=0 (index built at merge)',
    settings: { materialize_skip_indexes_on_insert: 0 },
  }),
  rows({
    id: 'no-sparse',
    group: 'j',
    label: 'table: ratio_of_defaults_for_sparse_serialization=1 (no sparse columns)',
    schema: tableSetting('ratio_of_defaults_for_sparse_serialization = 1'),
  }),
  rows({
    id: 'wide-parts',
    group: 'j',
    label: 'table: min_bytes_for_wide_part=0 (wide parts, a file per column)',
    schema: tableSetting('min_bytes_for_wide_part = 0'),
  }),
  rows({
    id: 'no-dedup',
    group: 'j',
    label: 'insert_deduplicate=0 (NOT exact: the cost of dedup, for reference)',
    settings: { insert_deduplicate: 0, insert_deduplication_token: '' },
    dedup: false,
  }),
];
