/** Time to load and validate the full kube-prometheus corpus (manifests and plain files). Target: < 1 s. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRuleFiles } from '../src/config/rules/load.js';
import { DEFAULT_RULE_LOAD_OPTIONS } from '../src/config/rules/types.js';

const CORPUS = '/work/shared/corpus/rules';
const globs = ['kube-prometheus', 'kube-prometheus-plain'].map((d) => path.join(CORPUS, d, '*.yaml'));
const files = ['kube-prometheus', 'kube-prometheus-plain'].flatMap((d) =>
  readdirSync(path.join(CORPUS, d)).filter((f) => f.endsWith('.yaml')),
);

for (let run = 1; run <= 5; run++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const { groups, problems } = await loadRuleFiles(globs, DEFAULT_RULE_LOAD_OPTIONS);
  const ms = performance.now() - start;
  // CPU time as well: wall time is meaningless on a busy machine.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rules = groups.reduce((n, g) => n + g.rules.length, 0);
  const errors = problems.filter((p) => p.severity === 'error').length;
  console.log(
    `load-rules run ${run}${run === 1 ? ' (cold)' : ''}: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU for ${files.length} files, ${groups.length} groups, ${rules} rules, ${errors} errors`,
  );
}
