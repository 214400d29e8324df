/**
 * Runs every benchmark in turn (`npm run bench`); each prints its own numbers and, where the issue asks,
 * the ratio against the real Prometheus/Alertmanager measured in the same run. `npm run bench -- router`
 * runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BENCHES = ['load-rules', 'template', 'ruler', 'router', 'ingest-cpu', 'notify', 'silences'];
const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b)) : BENCHES;
let failed = 0;
for (const [i, name] of selected.entries()) {
  console.log(`\n=== [${i + 1}/${selected.length}] bench/${name}.ts ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, `${name}.ts`)], {
    stdio: 'inherit',
  });
  console.log(`=== ${name}: exit ${run.status}, ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (run.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
