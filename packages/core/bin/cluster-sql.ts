// `npm run cluster-sql`: write deploy/clickhouse/cluster.sql from the migrations. `--check` (run by `npm test`)
// only compares, and fails when the checked-in file is not what the migrations generate.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clusterSchema } from '../src/store/cluster-schema.ts';

const file = fileURLToPath(new URL('../../../deploy/clickhouse/cluster.sql', import.meta.url));
const generated = await clusterSchema();
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== generated) {
    console.error(`${file} differs from what the migrations generate: run npm run cluster-sql and commit it`);
    process.exit(1);
  }
  console.log(`${file} matches the migrations`);
} else {
  writeFileSync(file, generated);
  console.log(`wrote ${file}`);
}
