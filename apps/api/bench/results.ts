// Where an API bench leaves its results: bench/results/<name>.json (stamped with when it ran) and <name>.md, which
// it also prints.
import { writeFileSync } from 'node:fs';

export function writeResults(name: string, json: Record<string, unknown>, md: string): void {
  const file = (ext: string) => new URL(`../../bench/results/${name}.${ext}`, import.meta.url);
  writeFileSync(file('json'), JSON.stringify({ at: new Date().toISOString(), ...json }, null, 2) + '\n');
  writeFileSync(file('md'), md);
  process.stdout.write(md);
}
