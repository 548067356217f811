// deploy/clickhouse/cluster.sql, generated from the migrations rather than written a second time by hand: the
// migrations run on a fresh embedded store, ClickHouse itself prints each table as it ended up (columns added by
// later ALTERs included), and each statement becomes its replicated twin created ON CLUSTER.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../config/schema.ts';
import { MIGRATIONS } from './migrations.ts';
import { openStore } from './store.ts';

const DB = 'rollcall';
const REPLICATED_ARGS = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`;
/** Replicated tables keep block ids in Keeper: the window a replayed tap batch must fall in (it comes within
 * minutes: a partition moving to another collector, RabbitMQ redelivering an unacked batch). */
const REPLICATED_DEDUP = 'replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600';

/** Tables and views in the order the migrations create them, each with the migration that created it. */
function creationOrder(): { name: string; version: number }[] {
  const seen = new Map<string, number>();
  for (const m of MIGRATIONS) {
    for (const sql of m.statements(DB, { ttlDays: 30 })) {
      const name = /^\s*CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS \w+\.(\w+)/.exec(sql)?.[1];
      if (name && !seen.has(name)) seen.set(name, m.version);
    }
  }
  return [...seen].map(([name, version]) => ({ name, version }));
}

/** Rows the migrations insert (not schema): replayed so the cluster starts where a migrated store starts. */
const migrationInserts = (): string[] =>
  MIGRATIONS.flatMap((m) => m.statements(DB, { ttlDays: 30 }))
    .map((sql) => sql.trim().replace(/\s+/g, ' '))
    .filter((sql) => sql.startsWith('INSERT INTO'));

/** One table's CREATE as ClickHouse prints it, turned into its replicated twin created on every node. */
export function replicatedTwin(create: string): string {
  return create
    .replace(/^CREATE (TABLE|MATERIALIZED VIEW) (\S+)/, `CREATE $1 IF NOT EXISTS $2 ON CLUSTER '{cluster}'`)
    .replace(
      /^ENGINE = (\w*MergeTree)(?:\((.*)\))?$/m,
      (_, engine: string, args?: string) =>
        `ENGINE = Replicated${engine}(${REPLICATED_ARGS}${args ? `, ${args}` : ''})`,
    )
    .replace(/^SETTINGS (.*)$/m, (_, list: string) => {
      const kept = list
        .split(', ')
        .filter((s) => s !== 'index_granularity = 8192')
        .map((s) => (s.startsWith('non_replicated_deduplication_window') ? REPLICATED_DEDUP : s));
      return kept.length ? `SETTINGS ${kept.join(', ')}` : '';
    })
    .trimEnd();
}

const HEADER = `-- Rollcall's schema on a replicated ClickHouse cluster: ONE shard, any number of replicas.
--
-- GENERATED from packages/core/src/store/migrations.ts by \`npm run cluster-sql\`; do not edit by hand
-- (\`npm test\` fails when this file and the migrations disagree).
--
-- Run it once, before Rollcall first starts against the cluster, on any one node:
--   clickhouse-client --host ch-1 --user admin --password … --multiquery < deploy/clickhouse/cluster.sql
-- Every node needs Keeper (or ZooKeeper) and the macros {cluster}, {shard} and {replica} (config.d/macros.xml).
-- The database is \`rollcall\` (clickhouse.database); replace it throughout if you changed that.
--
-- Why pre-create at all: Rollcall's own migrations create plain MergeTree tables on the one node it is connected
-- to. Here every table is the Replicated* twin of the migrated table, with the same columns, PARTITION BY,
-- ORDER BY, TTL and projection, created ON CLUSTER so each replica has it.
--
-- How Rollcall's start-up treats this schema:
--   * CREATE DATABASE / CREATE TABLE ... IF NOT EXISTS: tables created here are kept as they are.
--   * Applied migrations are read from rollcall.schema_migrations (created by packages/core/src/store/store.ts,
--     not by a migration). It is pre-created here, replicated, with one row per migration, so no migration runs
--     again and no replica ends up with a non-replicated copy. Re-running this file is harmless: the INSERT is
--     the same block, which a replicated table deduplicates.
--   * On every start Rollcall runs \`ALTER TABLE rollcall.events MODIFY TTL ... + INTERVAL <clickhouse.ttl_days>\`.
--     On a Replicated table that ALTER goes through Keeper to every replica, so the 30 days below is only the
--     starting value.
--
-- Exactly-once inserts: every tap batch is inserted with a deterministic insert_deduplication_token (and
-- deduplicate_blocks_in_dependent_materialized_views = 1). Replicated tables honour the token natively, through
-- the block ids they keep in Keeper; the migrations' non_replicated_deduplication_window does not apply to them,
-- so the replicated window is set explicitly below.
-- The rollups are materialized views on every replica: a view fires on the replica that receives the insert,
-- and its block then replicates like any other, so the rollup is neither missed nor counted twice.
--
-- Read your own writes: after a crash a collector reads back what was stored (the Kafka high-water projection;
-- the RabbitMQ tap batches) to skip replays whose batch boundaries differ from the original, which the token
-- cannot catch. Replication is asynchronous, so point every Rollcall process at the same replica at a time
-- (a Service or load balancer with one active backend and the others as failover), and give the Rollcall user
-- \`insert_quorum = 'auto'\` in its settings profile so a batch is on a majority of replicas before Rollcall
-- commits the Kafka offset or acks the RabbitMQ message (with three replicas, one may be down; with two, none).
--
-- What does NOT work with the current migrations, and so is not offered here:
--   * More than one shard, or Distributed tables under the names Rollcall uses. Rollcall reads and writes
--     rollcall.events, rollcall.events_per_minute, ... by those names, and its unconditional start-up
--     \`ALTER TABLE rollcall.events MODIFY TTL\` fails on a Distributed table ("Alter of type 'MODIFY_TTL' is not
--     supported by storage Distributed"), so Rollcall would not start. Sharding needs changes in Rollcall itself:
--     a cluster option so migrations emit ON CLUSTER and the TTL ALTER targets the local table, inserts through a
--     Distributed table with distributed_foreground_insert = 1 and a sharding key that keeps a Kafka partition on
--     one shard, and reads through Distributed tables. One shard holds a lot: rows are ~100 bytes compressed and
--     expire after clickhouse.ttl_days.
--   * Upgrades. A release that adds a migration would create its new tables with plain engines on one replica.
--     Before upgrading, run the new CREATE statements of the release's cluster.sql ON CLUSTER and insert the new
--     versions into schema_migrations. A migration that only runs ALTER TABLE ... ADD COLUMN on an existing table
--     needs nothing: replicated ALTERs reach every replica.
--
-- The Rollcall user needs SELECT, INSERT, ALTER and CREATE on rollcall.* (it runs the IF NOT EXISTS statements and
-- the TTL ALTER at every start).`;

/** The whole cluster.sql, from a throwaway embedded store migrated to the latest version. */
export async function clusterSchema(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-cluster-schema-'));
  const cfg = configSchema.parse({ clickhouse: { data_dir: join(dir, 'data'), database: DB } });
  const store = await openStore(cfg.clickhouse);
  try {
    const showCreate = async (table: string) => {
      const rs = await store.client.query({ query: `SHOW CREATE TABLE ${DB}.${table}`, format: 'TabSeparatedRaw' });
      return replicatedTwin((await rs.text()).trim());
    };
    const parts = [HEADER, `CREATE DATABASE IF NOT EXISTS ${DB} ON CLUSTER '{cluster}';`];
    parts.push(
      `-- Which migrations have run (read by packages/core/src/store/store.ts at start-up).\n${await showCreate('schema_migrations')};`,
    );
    let version = 0;
    for (const t of creationOrder()) {
      const heading =
        t.version === version
          ? ''
          : `-- Migration ${t.version}: ${MIGRATIONS.find((m) => m.version === t.version)?.name}\n`;
      version = t.version;
      parts.push(`${heading}${await showCreate(t.name)};`);
    }
    parts.push(`-- Rows the migrations write.\n${migrationInserts().join(';\n')};`);
    const applied = MIGRATIONS.map((m) => `  (${m.version}, '${m.name.replaceAll("'", "\\'")}')`).join(',\n');
    parts.push(
      `-- Mark migrations 1-${MIGRATIONS.length} applied. One INSERT on one node: the table replicates it.\n` +
        `INSERT INTO ${DB}.schema_migrations (version, name) VALUES\n${applied};`,
    );
    return parts.join('\n\n') + '\n';
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
