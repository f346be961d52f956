import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_RUNTIME_ENV } from '../../deploy/local/app-launcher';
import { loadConfig } from '../../libs/config';
import { ENV_NAMES } from '../../libs/config/env.schema';
import { ALL_SEARCH_ATTRIBUTES } from '../../libs/contracts/temporal';
import {
  type Loose,
  type Manifest,
  OVERLAYS,
  podSpecs,
  readEnvFile,
  renderCompose,
  renderOverlay,
  ROOT,
  searchAttributesIn,
} from './deploy-support';

const SEARCH_ATTRIBUTES = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=Keyword`).sort();
const SCHEMA = new Set<string>(ENV_NAMES);
/** Seeds a key in development only; production deployments must not carry it. */
const DEV_ONLY = new Set(['VOXFLOW_DEV_API_KEY']);

const expectKnownNames = (names: Iterable<string>, where: string) =>
  expect({ where, unknown: [...names].filter((name) => !SCHEMA.has(name)) }).toEqual({ where, unknown: [] });

describe('.env.example', () => {
  it('lists every variable of the config schema, no other, with values the schema accepts', () => {
    const example = readEnvFile('.env.example');
    expect(Object.keys(example).sort()).toEqual([...ENV_NAMES].sort());
    expect(() => loadConfig(example)).not.toThrow();
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8');
  const stage = (name: string) =>
    dockerfile.split(/^FROM /m).find((part) => new RegExp(` AS ${name}\\n`).test(part)) ?? '';

  it('runs both targets as the non-root node user, with ffmpeg, production dependencies and the workflow bundle', () => {
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^USER node$/m);
    for (const target of ['api', 'worker']) {
      expect(stage(target)).toMatch(/^FROM runtime AS|^runtime AS/);
      expect(stage(target)).not.toMatch(/^USER /m);
    }
    expect(stage('ffmpeg')).toMatch(/^RUN bash \S*build-lean-ffmpeg\.sh /m);
    expect(runtime).toMatch(/^COPY --from=ffmpeg \S+\/ffmpeg \S+\/ffprobe \/usr\/local\/bin\/$/m);
    expect(stage('prod-deps')).toMatch(/npm ci --omit=dev/);
    expect(stage('build')).toMatch(/npm run build && test -s dist\/workflow-bundle\.js/);
  });

  it('runs the apps with the memory settings the local stack (and its benchmarks) use', () => {
    for (const [name, value] of Object.entries(APP_RUNTIME_ENV))
      expect(stage('runtime')).toMatch(new RegExp(`^\\s*(ENV )?${name}=${value}( \\\\)?$`, 'm'));
  });

  it('has a HEALTHCHECK on each target that probes its readiness endpoint', () => {
    expect(stage('api')).toMatch(/HEALTHCHECK[\s\S]*\$\{PORT:-3000\}\/health\/ready/);
    expect(stage('worker')).toMatch(/HEALTHCHECK[\s\S]*\$\{WORKER_METRICS_PORT:-9464\}\/health\/ready/);
  });
});

describe('docker-compose.yml (docker-compose config)', () => {
  let services: Record<string, Loose>;
  let volumes: Record<string, unknown>;
  beforeAll(async () => ({ services, volumes } = await renderCompose()));

  it('runs API and worker from the project image as non-root, ready-checked, with the config schema', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service.build).toMatchObject({ dockerfile: 'deploy/docker/Dockerfile', target: name });
      expect(service.user).toBeUndefined();
      expectKnownNames(Object.keys(service.environment), `compose ${name}`);
      expect(() => loadConfig(service.environment)).not.toThrow();
      expect(service.environment.NODE_ENV).toBe('production');
      for (const dependency of Object.values(service.depends_on as Record<string, { condition: string }>))
        expect(dependency.condition).toBe('service_healthy');
    }
  });

  it('lets the worker scale out and drain, sharing the media volume with the API', () => {
    const { api, worker } = services;
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
    // docker-compose 1.x prints `source:target:mode`; the compose plugin prints objects.
    const mediaOf = (service: Loose) =>
      (service.volumes as (string | { source: string; target: string })[])
        .map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v))
        .find((v) => v.target === service.environment.STORAGE_DIR);
    expect(mediaOf(api)?.source).toBe('media');
    expect(mediaOf(worker)?.source).toBe('media');
    const graceSeconds = Number(worker.environment.WORKER_SHUTDOWN_GRACE_SECONDS);
    expect(parseDuration(worker.stop_grace_period)).toBeGreaterThan(graceSeconds);
  });

  it('health-checks every dependency and keeps its data in named volumes', () => {
    for (const name of ['temporal', 'mongo', 'redis', 'simulator'])
      expect(services[name].healthcheck?.test).toBeDefined();
    for (const name of ['temporal-data', 'mongo-data', 'redis-data', 'media']) expect(volumes).toHaveProperty(name);
    expect(services.mongo.image).toMatch(/^mongo:/);
  });

  it("limits every service's memory and CPU, the apps' as on Kubernetes, and backs MongoDB up in a profile", () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, memory: service.mem_limit, cpus: service.cpus }).toEqual({
        name,
        memory: expect.anything(),
        cpus: expect.anything(),
      });
    }
    expect(String(services.api.mem_limit)).toMatch(/^(536870912|512m)$/);
    expect(services['mongo-backup'].profiles).toEqual(['backup']);
    expect(services['mongo-backup'].command.join(' ')).toContain('mongodump --uri=mongodb://mongo:27017/voxflow');
    expect(JSON.stringify(services['mongo-backup'].volumes[0])).toMatch(/backups.*\/backups/);
  });

  it('registers the search attributes the code uses on the Temporal server', () => {
    expect(searchAttributesIn(services.temporal.command)).toEqual(SEARCH_ATTRIBUTES);
  });
});

describe.each(OVERLAYS)('kustomize overlay %s', (overlay) => {
  let manifests: Manifest[];
  beforeAll(async () => (manifests = await renderOverlay(overlay)));
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const configMap = () => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('voxflow-config'));
  const container = (name: string) => find('Deployment', name)?.spec.template.spec.containers[0];

  it('runs every pod as non-root with requests and limits on every container', () => {
    const specs = podSpecs(manifests);
    expect(specs.length).toBeGreaterThanOrEqual(2);
    for (const { owner, spec } of specs) {
      expect({ owner, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ owner, runAsNonRoot: true });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of spec.containers as Loose[]) {
        expect({ owner, resources: c.resources }).toEqual({
          owner,
          resources: {
            requests: { cpu: expect.any(String), memory: expect.any(String) },
            limits: { cpu: expect.any(String), memory: expect.any(String) },
          },
        });
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      }
    }
  });

  it('probes /health (liveness) and /health/ready (readiness) on the ports the config sets', () => {
    const config = configMap()!.data!;
    const ports = { 'voxflow-api': Number(config.PORT), 'voxflow-worker': Number(config.WORKER_METRICS_PORT) };
    for (const [name, port] of Object.entries(ports)) {
      const c = container(name);
      const portOf = (probe: Loose) =>
        (c.ports as { name: string; containerPort: number }[]).find((p) => p.name === probe.httpGet.port)
          ?.containerPort;
      expect(c.livenessProbe.httpGet.path).toBe('/health');
      expect(c.startupProbe.httpGet.path).toBe('/health');
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(portOf(c.livenessProbe)).toBe(port);
      expect(portOf(c.readinessProbe)).toBe(port);
    }
  });

  it('gives the worker longer to stop than it takes to drain, and scales and protects both apps', () => {
    const grace = Number(configMap()!.data!.WORKER_SHUTDOWN_GRACE_SECONDS);
    expect(find('Deployment', 'voxflow-worker')!.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
      grace,
    );
    expect(find('HorizontalPodAutoscaler', 'voxflow-worker')!.spec.scaleTargetRef.name).toBe('voxflow-worker');
    // Every Voxflow Deployment autoscales and has a disruption budget.
    const deployments = manifests.filter(
      (m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/part-of'] === 'voxflow',
    );
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['voxflow-api', 'voxflow-worker']);
    for (const { metadata } of deployments) {
      expect(find('HorizontalPodAutoscaler', metadata.name)!.spec.scaleTargetRef.name).toBe(metadata.name);
      expect(find('PodDisruptionBudget', metadata.name)!.spec.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': metadata.name,
      });
    }
    const ingress = find('Ingress', 'voxflow-api')!;
    // socket.io's polling transport needs a client to stay on one pod.
    expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    if (overlay !== 'dev') {
      // TLS for the ingress's host, from the Secret cert-manager (or the operator) fills.
      expect(ingress.spec.tls).toEqual([{ hosts: [ingress.spec.rules[0].host], secretName: 'voxflow-tls' }]);
    }
  });

  it("backs MongoDB up hourly with mongodump from the Secret's URI into a volume of its own", () => {
    const backup = find('CronJob', 'voxflow-mongodb-backup')!;
    expect(backup.spec.concurrencyPolicy).toBe('Forbid');
    const pod = backup.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].args[0]).toMatch(/^mongodump --uri="\$MONGODB_URI" --gzip --archive=/);
    // (The dev overlay generates the Secret, with a hashed name.)
    expect(pod.containers[0].env[0].valueFrom.secretKeyRef).toEqual({
      name: expect.stringMatching(/^voxflow-secrets/),
      key: 'MONGODB_URI',
    });
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe('voxflow-backups');
    expect(find('PersistentVolumeClaim', 'voxflow-backups')).toBeDefined();
  });

  it('uses only variables of the config schema, and covers all of them with the Secret template', () => {
    const config = configMap()!.data!;
    const secretTemplate = readEnvFile('deploy/k8s/secret.example.env');
    expectKnownNames(Object.keys(config), `${overlay} ConfigMap`);
    expectKnownNames(Object.keys(secretTemplate), 'secret.example.env');
    for (const secret of manifests.filter((m) => m.kind === 'Secret'))
      expectKnownNames(Object.keys(secret.data ?? {}), `${overlay} Secret`);
    for (const name of ['voxflow-api', 'voxflow-worker']) {
      const env = (container(name).env ?? []) as { name: string }[];
      expectKnownNames(
        env.map((e) => e.name),
        `${overlay} ${name} env`,
      );
    }
    const covered = new Set([...Object.keys(config), ...Object.keys(secretTemplate)]);
    expect([...SCHEMA].filter((name) => !covered.has(name) && !DEV_ONLY.has(name))).toEqual([]);
    expect(() => loadConfig({ ...config, ...secretTemplate })).not.toThrow();
  });

  it('registers exactly the search attributes the code uses wherever it sets up Temporal', () => {
    const setups = podSpecs(manifests).flatMap(({ spec }) =>
      (spec.containers as Loose[]).filter((c) => String(c.image).startsWith('temporalio/temporal')),
    );
    for (const c of setups) expect(searchAttributesIn(c.args)).toEqual(SEARCH_ATTRIBUTES);
    if (!overlay.includes('temporal-cloud')) expect(setups.length).toBeGreaterThan(0);
  });
});

describe('production documentation', () => {
  it('documents registering the same search attributes on a self-hosted cluster and on Temporal Cloud', () => {
    const operations = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const selfHosted = operations.match(/temporal operator search-attribute create[^\n]*/)?.[0] ?? '';
    expect(searchAttributesIn(selfHosted.split(/\s+/))).toEqual(SEARCH_ATTRIBUTES);
    const cloud = operations.match(/tcld namespace search-attributes add[^\n]*/)?.[0] ?? '';
    expect([...cloud.matchAll(/--sa (\w+=\w+)/g)].map((m) => m[1]).sort()).toEqual(SEARCH_ATTRIBUTES);
  });
});

/** `90s`, `1m30s`, `2m` → seconds. */
function parseDuration(value: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match) throw new Error(`unexpected duration ${value}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
