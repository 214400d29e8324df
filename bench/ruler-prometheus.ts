/**
 * The same rule set as bench/ruler.ts, run by Prometheus' own rule manager (Debian /usr/bin/prometheus) against
 * its local TSDB, for a CPU-per-evaluation comparison in the same benchmark run. Not a like-for-like
 * comparison: Prometheus queries in-process, Klaxon over HTTP with its state in Redis.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROMETHEUS = '/usr/bin/prometheus';

export function prometheusAvailable(): boolean {
  return existsSync(PROMETHEUS);
}

/** Process CPU seconds (user + system) from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

export async function runPrometheusRuleManager(groups: number, rules: number, intervalMs: number, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-bench-prom-'));
  // The target exposes one series for every odd rule, like the query stand-in's answers.
  const lines: string[] = [];
  for (let g = 0; g < groups; g++)
    for (let r = 1; r < rules; r += 2) lines.push(`bench_metric{group="g${g}",rule="${r}",host="a"} 1`);
  const body = `${lines.join('\n')}\n`;
  const target = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const ruleFile = ['groups:'];
  for (let g = 0; g < groups; g++) {
    ruleFile.push(`  - name: g${g}`, `    interval: ${intervalMs}ms`, '    rules:');
    for (let r = 0; r < rules; r++) {
      ruleFile.push(
        `      - alert: BenchAlert${r}`,
        `        expr: bench_metric{group="g${g}",rule="${r}"} > 0`,
        '        for: 30s',
        '        labels: { severity: warning }',
        `        annotations: { summary: '{{ $labels.host }} is {{ $value }}' }`,
      );
    }
  }
  writeFileSync(join(dir, 'rules.yml'), `${ruleFile.join('\n')}\n`);
  const port = (target.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 5s }\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: bench\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
  );
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const promPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const proc = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${promPort}`;
  try {
    for (;;) {
      if ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, intervalMs + 2000));
    const it0 = await metric(url, 'prometheus_rule_group_iterations_total');
    const cpu0 = cpuSeconds(proc.pid!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = cpuSeconds(proc.pid!) - cpu0;
    const wall = (performance.now() - t0) / 1000;
    const evals = (await metric(url, 'prometheus_rule_group_iterations_total')) - it0;
    const missed = await metric(url, 'prometheus_rule_group_iterations_missed_total');
    return {
      groupEvaluations: evals,
      missedIterations: missed,
      processCpuPercent: Math.round((cpu / wall) * 1000) / 10,
      msPerGroupEvaluation: Math.round(((cpu * 1000) / evals) * 1000) / 1000,
    };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
