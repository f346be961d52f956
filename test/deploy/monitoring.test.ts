import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ApiMetrics } from '../../libs/metrics/api-metrics';
import { WorkerMetrics } from '../../libs/metrics/worker-metrics';
import { findOnPath } from '../../deploy/local/toolchain';
import { ROOT } from './deploy-support';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const MONITORING = 'deploy/monitoring';

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; runbook: string };
}
const rules = (parse(read(`${MONITORING}/prometheus/alerts.yml`)) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);
const dashboard = JSON.parse(read(`${MONITORING}/grafana/dashboards/voxflow.json`)) as {
  uid: string;
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
};
const dashboardExprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

/** Every metric the API and the worker export, histograms with their _bucket/_sum/_count series. */
async function exportedSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [new ApiMetrics().registry, new WorkerMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

const metricNamesIn = (expr: string) =>
  [...expr.matchAll(/\b((?:voxflow|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!);

/** GitHub's anchor for a Markdown heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

describe('monitoring', () => {
  it('alerts and dashboard query only metrics that Voxflow exports', async () => {
    const exported = await exportedSeries();
    const used = [...rules.map((rule) => rule.expr), ...dashboardExprs].flatMap(metricNamesIn);
    expect(used.length).toBeGreaterThan(20);
    expect([...new Set(used)].filter((name) => !exported.has(name))).toEqual([]);
    // Every Voxflow metric is on the dashboard.
    const voxflowMetrics = [...exported].filter((name) => name.startsWith('voxflow_'));
    const onDashboard = new Set(dashboardExprs.flatMap(metricNamesIn));
    const shown = (name: string) =>
      onDashboard.has(name) || ['_bucket', '_sum', '_count'].some((suffix) => onDashboard.has(`${name}${suffix}`));
    expect(voxflowMetrics.filter((name) => !/_(bucket|sum|count)$/.test(name) && !shown(name))).toEqual([]);
  });

  it('covers the failure modes the issue names, each alert linking an existing runbook section', () => {
    const anchors = new Set(
      [...read('RUNBOOK.md').matchAll(/^## (.+)$/gm)].map((match) => `RUNBOOK.md#${slug(match[1]!)}`),
    );
    for (const rule of rules) {
      expect({ alert: rule.alert, runbook: anchors.has(rule.annotations.runbook) }).toEqual({
        alert: rule.alert,
        runbook: true,
      });
      // The severities docs/operations.md defines, with their response times.
      expect(['info', 'warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
    }
    const byMetric = (pattern: RegExp) => rules.filter((rule) => pattern.test(rule.expr)).map((rule) => rule.alert);
    expect(byMetric(/voxflow_http_request_duration_seconds_count\{status=~"5\.\."\}/)).not.toEqual([]);
    expect(byMetric(/voxflow_jobs_finished_total\{status="failed"\}/)).not.toEqual([]);
    expect(byMetric(/voxflow_webhook_attempts_total/)).not.toEqual([]);
    expect(byMetric(/voxflow_task_queue_backlog/)).not.toEqual([]);
    expect(byMetric(/absent\(up\{job="voxflow-worker"\}/)).not.toEqual([]);
    expect(byMetric(/voxflow_live_upstream_errors_total/)).not.toEqual([]);
    // What the replaced systems' runbooks asked for: latency, job duration, disk, memory and CPU against the
    // container's limits, failed authentication and live sessions near the instance's limit.
    expect(byMetric(/voxflow_http_request_duration_seconds_bucket/).length).toBeGreaterThanOrEqual(2);
    expect(byMetric(/voxflow_job_duration_seconds_bucket/)).not.toEqual([]);
    expect(byMetric(/voxflow_storage_bytes/).length).toBe(2);
    expect(byMetric(/voxflow_memory_limit_bytes/).length).toBe(2);
    expect(byMetric(/voxflow_cpu_limit_cores/)).not.toEqual([]);
    expect(byMetric(/voxflow_auth_failures_total/)).not.toEqual([]);
    expect(byMetric(/voxflow_live_speaker_limit/)).not.toEqual([]);
  });

  it('passes promtool: the rules load, and each alert fires on crafted series and stays quiet on healthy ones', async () => {
    const promtool = findOnPath('promtool');
    if (!promtool) throw new Error('promtool is not installed: run `npm run setup -- --tests`');
    const dir = join(ROOT, MONITORING, 'prometheus');
    const run = promisify(execFile);
    await run(promtool, ['check', 'rules', 'alerts.yml'], { cwd: dir });
    const { stdout } = await run(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: dir });
    expect(stdout).toContain('SUCCESS');
    // Every alert has a test that fires it.
    const tests = parse(read(`${MONITORING}/prometheus/alerts.test.yml`)) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const fired = new Set(
      tests.tests.flatMap((test) =>
        test.alert_rule_test.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname),
      ),
    );
    const quiet = new Set(
      tests.tests.flatMap((test) =>
        test.alert_rule_test.filter((t) => t.exp_alerts.length === 0).map((t) => t.alertname),
      ),
    );
    expect(rules.map((rule) => rule.alert).filter((alert) => !fired.has(alert) || !quiet.has(alert))).toEqual([]);
  });

  it('scrapes the jobs the alerts name, on the ports the apps listen on', () => {
    const compose = parse(read(`${MONITORING}/prometheus/prometheus.compose.yml`)) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { port: number }[];
      }[];
    };
    const jobs = Object.fromEntries(compose.scrape_configs.map((config) => [config.job_name, config]));
    expect(jobs['voxflow-api']?.static_configs?.[0]?.targets).toEqual(['api:3000']);
    expect(jobs['voxflow-worker']?.dns_sd_configs?.[0]?.port).toBe(9464);
    const alertJobs = new Set(rules.flatMap((rule) => [...rule.expr.matchAll(/job="([\w-]+)"/g)].map((m) => m[1])));
    for (const job of alertJobs) expect(Object.keys(jobs)).toContain(job);
    // On Kubernetes the job is the pod's app.kubernetes.io/name: voxflow-api or voxflow-worker.
    expect(read(`${MONITORING}/prometheus/prometheus.k8s.yml`)).toMatch(/regex: voxflow-\(api\|worker\)/);
  });

  it('ships a dashboard Grafana provisions from the compose monitoring profile', () => {
    expect(dashboard.uid).toBe('voxflow-overview');
    expect(dashboard.panels.filter((panel) => panel.type === 'timeseries').length).toBeGreaterThanOrEqual(10);
    const provider = parse(read(`${MONITORING}/grafana/provisioning/dashboards/voxflow.yml`)) as {
      providers: { options: { path: string } }[];
    };
    expect(read('docker-compose.yml')).toContain(
      `./deploy/monitoring/grafana/dashboards:${provider.providers[0]!.options.path}:ro`,
    );
  });
});
