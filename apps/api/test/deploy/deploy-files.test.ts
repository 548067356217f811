// deploy/: no Docker engine or cluster runs here, so the deployment files are checked against what Rollcall itself
// accepts. Env names against the real override list, mounted rollcall.yaml files through parseConfig with the env
// each container gets, rule files through the rule parser, probes against the real app, Prometheus through
// promtool, and deploy/clickhouse/cluster.sql through the ClickHouse engine (chDB) against the schema the
// migrations build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { tempDir } from '@rollcall/core/testing/brokers';
import { parseRuleFile } from '@rollcall/rules/files';
// Not exported by @rollcall/core (tests only need the list of names).
import { ENV_FIELDS } from '@rollcall/core/config/env';
import { createApp } from '../../src/app.ts';
import { createMetrics } from '../../src/metrics.ts';
import { row } from '../api/fixture.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(path, 'utf8');
// Read by core/src/config/load.ts and env.ts outside ENV_FIELDS: the config path and the nested SASL secret.
const OVERRIDES = new Set([...ENV_FIELDS.map((f) => f.env), 'ROLLCALL_CONFIG', 'ROLLCALL_KAFKA_SASL_PASSWORD']);
const unknownOverrides = (names: Iterable<string>) =>
  [...names].filter((n) => n.startsWith('ROLLCALL_') && !OVERRIDES.has(n));

// ---- Dockerfile ----------------------------------------------------------------------------------------------
interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage: continuation lines joined, comment lines dropped (as BuildKit does). */
function dockerStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const DOCKERFILE = join(DEPLOY, 'docker/Dockerfile');
const stages = dockerStages(read(DOCKERFILE));
const [buildStage = [], runtimeStage = []] = [stages[0], stages.at(-1)];
const args = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);
const execForm = (text: string) => z.array(z.string()).parse(JSON.parse(text));
/** The image's ENV: the defaults every container starts from. */
const imageEnv: Record<string, string> = Object.fromEntries(
  args(runtimeStage, 'ENV').flatMap((a) =>
    a.split(/\s+/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ),
);

describe('deploy/docker/Dockerfile', () => {
  it('installs with npm ci on node:20-bookworm-slim, every workspace manifest first, and builds the dashboard', () => {
    expect(args(buildStage, 'FROM')[0]).toMatch(/^node:20-bookworm-slim\b/);
    expect(args(runtimeStage, 'FROM')[0]).toMatch(/^node:20-bookworm-slim\b/);
    const runs = args(buildStage, 'RUN');
    const ci = buildStage.findIndex((i) => i.op === 'RUN' && / npm ci\b/.test(` ${i.args}`));
    expect(ci).toBeGreaterThan(0);
    expect(runs.some((r) => r.includes('npm run build -w @rollcall/web'))).toBe(true);
    // npm ci refuses a lockfile whose workspaces it cannot find: a new workspace must be copied here too.
    const { workspaces } = z
      .object({ workspaces: z.array(z.string()) })
      .parse(JSON.parse(read(join(ROOT, 'package.json'))));
    const copiedBeforeCi = buildStage
      .slice(0, ci)
      .filter((i) => i.op === 'COPY')
      .map((i) => i.args);
    for (const ws of workspaces) expect(copiedBeforeCi, ws).toContain(`${ws}/package.json ${ws}/`);
  });

  it('copies every workspace that api needs at run time into the runtime stage', () => {
    const { workspaces } = z
      .object({ workspaces: z.array(z.string()) })
      .parse(JSON.parse(read(join(ROOT, 'package.json'))));
    const manifest = z.object({ name: z.string(), dependencies: z.record(z.string(), z.string()).default({}) });
    const pathOf = new Map(
      workspaces.map((ws) => [manifest.parse(JSON.parse(read(join(ROOT, ws, 'package.json')))).name, ws]),
    );
    const deps = (ws: string) =>
      Object.keys(manifest.parse(JSON.parse(read(join(ROOT, ws, 'package.json')))).dependencies).flatMap(
        (d) => pathOf.get(d) ?? [],
      );
    // `rollcall bench` runs another application's bin as a child process (apps/api/src/cli.ts): needed at run
    // time without being a dependency.
    const spawned = [...read(join(ROOT, 'apps/api/src/cli.ts')).matchAll(/new URL\('\.\.\/\.\.\/([\w-]+)\/bin\//g)].map(
      (m) => `apps/${m[1]}`,
    );
    expect(spawned).toContain('apps/bench');
    const needed = new Set<string>(['apps/api', ...spawned]);
    for (const ws of needed) for (const d of deps(ws)) needed.add(d);
    const copies = args(runtimeStage, 'COPY');
    for (const ws of needed) expect(copies, ws).toContain(`--from=build /app/${ws} ./${ws}`);
    expect(copies).toContain('--from=build /app/apps/web/dist ./apps/web/dist');
  });

  it('runs `rollcall start` as a non-root user, on 0.0.0.0 and the port it exposes, with a /healthz check', () => {
    const [user = ''] = args(runtimeStage, 'USER');
    expect(user.split(':')[0]).toMatch(/^[1-9]\d*$/); // numeric, so Kubernetes' runAsNonRoot can verify it
    const [entrypoint = '[]'] = args(runtimeStage, 'ENTRYPOINT');
    const [cmd = '[]'] = args(runtimeStage, 'CMD');
    const command = [...execForm(entrypoint), ...execForm(cmd)];
    expect(command).toEqual(['node', 'apps/api/bin/rollcall.js', 'start']);
    expect(existsSync(join(ROOT, 'apps/api/bin/rollcall.js'))).toBe(true);
    expect(imageEnv.ROLLCALL_API_HOST).toBe('0.0.0.0');
    expect(args(runtimeStage, 'EXPOSE')).toEqual([imageEnv.ROLLCALL_API_PORT]);
    const [healthcheck = ''] = args(runtimeStage, 'HEALTHCHECK');
    expect(healthcheck).toContain('/healthz');
    expect(unknownOverrides(Object.keys(imageEnv))).toEqual([]);
  });

  it('keeps dependencies, builds and secrets out of the build context', () => {
    const ignored = read(join(DEPLOY, 'docker/Dockerfile.dockerignore')).split('\n');
    for (const rule of ['**/node_modules', '**/dist', '**/.env', '**/secrets.env', '.git'])
      expect(ignored).toContain(rule);
  });
});

// ---- compose -------------------------------------------------------------------------------------------------
const COMPOSE_DIR = join(DEPLOY, 'compose');
const service = z.object({
  build: z
    .object({ context: z.string(), dockerfile: z.string(), args: z.record(z.string(), z.string()).default({}) })
    .optional(),
  entrypoint: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  volumes: z.array(z.string()).default([]),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  depends_on: z
    .record(
      z.string(),
      z.object({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) }),
    )
    .default({}),
});
const composeSchema = z.object({
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.null()).default({}),
});
type Service = z.output<typeof service>;

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error} and $$. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (match, name: string | undefined, op: string | undefined, arg = '') => {
      if (match === '$$' || name === undefined) return '$';
      const set = env[name];
      const empty = set === undefined || set === '';
      if ((op === ':?' && empty) || (op === '?' && set === undefined)) throw new Error(`${name}: ${arg}`);
      if ((op === ':-' && empty) || (op === '-' && set === undefined)) return arg;
      return set ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

/** KEY=VALUE lines (a .env file or a kustomize env file); comments and blank lines skipped. */
const envFile = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

const composeText = read(join(COMPOSE_DIR, 'compose.yaml'));
const envExample = envFile(read(join(COMPOSE_DIR, '.env.example')));
// The example leaves the passwords for the user to choose; stand in for them.
const composeEnv = Object.fromEntries(
  Object.entries(envExample).map(([k, v]) => [k, v === '' ? `test-${k.toLowerCase().replace(/_/g, '')}` : v]),
);
const compose = composeSchema.parse(interpolate(parse(composeText), composeEnv));
const serviceNamed = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};
const bindMounts = (svc: Service) =>
  svc.volumes
    .filter((v) => v.startsWith('.'))
    .map((v) => {
      const [source = '', target = ''] = v.split(':');
      return { source: resolve(COMPOSE_DIR, source), target };
    });
const stringEnv = (svc: Service) => Object.fromEntries(Object.entries(svc.environment).map(([k, v]) => [k, String(v)]));

/** The config a container really runs with: image ENV, then its own env, over the file ROLLCALL_CONFIG names. */
function containerConfig(env: Record<string, string>, fileFor: (path: string) => string | undefined): Config {
  const merged = { ...imageEnv, ...env };
  const path = merged.ROLLCALL_CONFIG;
  if (path === undefined) throw new Error('ROLLCALL_CONFIG is not set');
  const file = fileFor(path);
  if (file === undefined) throw new Error(`nothing is mounted at ROLLCALL_CONFIG=${path}`);
  return parseConfig(read(file), file, merged);
}

const hostOf = (address: string) => new URL(address.includes('://') ? address : `tcp://${address}`).hostname;

describe('deploy/compose', () => {
  const rollcall = serviceNamed('rollcall');
  const rollcallConfig = () =>
    containerConfig(stringEnv(rollcall), (path) => bindMounts(rollcall).find((m) => m.target === path)?.source);

  it('documents every variable it reads in .env.example, and refuses to start while a password is empty', () => {
    const used = new Set([...composeText.matchAll(VARIABLE)].flatMap((m) => (m[1] ? [m[1]] : [])));
    expect([...used].filter((name) => !(name in envExample))).toEqual([]);
    expect(() => interpolate(parse(composeText), envExample)).toThrow(/PASSWORD/);
  });

  it('gives Rollcall only real ROLLCALL_* overrides, and a config that validates and points at the stack', () => {
    expect(unknownOverrides(Object.keys(rollcall.environment))).toEqual([]);
    const config = rollcallConfig();
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.api.tokens.length).toBeGreaterThan(0);
    const hosts = [
      config.clickhouse.url ?? '',
      ...config.kafka.brokers,
      config.rabbitmq.url,
      config.rabbitmq.management_url,
    ].map(hostOf);
    for (const host of hosts) expect(Object.keys(compose.services)).toContain(host);
    // The firehose wrapper must trace the vhosts Rollcall taps.
    expect(String(serviceNamed('rabbitmq').environment.RABBITMQ_FIREHOSE_VHOSTS).split(' ')).toEqual(
      config.rabbitmq.vhosts,
    );
  });

  it('builds Rollcall from deploy/docker with build args the Dockerfile declares', () => {
    const build = rollcall.build;
    expect(build).toBeDefined();
    const context = resolve(COMPOSE_DIR, build?.context ?? '');
    expect(context).toBe(resolve(ROOT));
    expect(existsSync(join(context, build?.dockerfile ?? ''))).toBe(true);
    const declared = args(buildStage, 'ARG').map((a) => a.split('=')[0]);
    for (const name of Object.keys(build?.args ?? {})) expect(declared).toContain(name);
  });

  it('mounts files that exist, and volumes it declares', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const { source } of bindMounts(svc)) expect(existsSync(source), `${name}: ${source}`).toBe(true);
      for (const v of svc.volumes.filter((v) => !v.startsWith('.')))
        expect(Object.keys(compose.volumes), name).toContain(v.split(':')[0]);
      // A wrapper run from the entrypoint or the healthcheck must be one of the files mounted into the container.
      const scripts = [...(svc.entrypoint ?? []), ...(svc.healthcheck?.test ?? [])].filter((a) =>
        a.startsWith('/opt/rollcall/'),
      );
      for (const script of scripts)
        expect(
          bindMounts(svc).map((m) => m.target),
          name,
        ).toContain(script);
    }
    expect(spawnSync('bash', ['-n', join(COMPOSE_DIR, 'rabbitmq/firehose.sh')]).status).toBe(0);
  });

  it('waits only on services that exist, and on health only where there is a healthcheck', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(svc.depends_on)) {
        const target = serviceNamed(dependency);
        if (condition === 'service_healthy')
          expect(target.healthcheck, `${name} waits for ${dependency} to be healthy`).toBeDefined();
      }
    }
    expect(Object.keys(rollcall.depends_on).sort()).toEqual(['clickhouse', 'kafka', 'rabbitmq']);
  });

  it('mounts rule files that validate', () => {
    const rulesDir = bindMounts(rollcall).find((m) => m.target === imageEnv.ROLLCALL_RULES_DIR)?.source ?? '';
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(parseRuleFile(read(join(rulesDir, file)), file).length).toBeGreaterThan(0);
  });

  it('gives Prometheus a config that promtool accepts with the files compose mounts, scraping the services', () => {
    const etc = tempDir('rollcall-compose-prometheus');
    const mounts = bindMounts(serviceNamed('prometheus'));
    for (const { source, target } of mounts) {
      mkdirSync(join(etc, posix.dirname(target)), { recursive: true });
      copyFileSync(source, join(etc, target));
    }
    const check = spawnSync('promtool', ['check', 'config', join(etc, '/etc/prometheus/prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(check.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 1 rule files found');
    const prometheus = z
      .object({
        scrape_configs: z.array(
          z.object({ job_name: z.string(), static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
        ),
      })
      .parse(parse(read(join(COMPOSE_DIR, 'prometheus.yml'))));
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toContain(`rollcall:${rollcallConfig().api.port}`);
    for (const target of targets) expect(Object.keys(compose.services)).toContain(hostOf(target));
  });
});

// chDB binds one data path to a process: every check below that needs the engine shares this one.
const STORE_DIR = tempDir('rollcall-deploy-files');
const clickhouse = (database: string) =>
  parseConfig('', 'test', { ROLLCALL_DATA_DIR: join(STORE_DIR, 'clickhouse'), ROLLCALL_CLICKHOUSE_DATABASE: database })
    .clickhouse;
let reference: Store; // the schema Rollcall's own migrations build, in database `reference`
const opened: Store[] = [];
beforeAll(async () => {
  reference = await openStore(clickhouse('reference'));
  opened.push(reference);
});
afterAll(async () => {
  for (const store of opened) await store.close();
});

// ---- Kubernetes ----------------------------------------------------------------------------------------------
const K8S = join(DEPLOY, 'kubernetes');
const kustomization = z
  .object({
    resources: z.array(z.string()),
    configMapGenerator: z.array(z.object({ name: z.string(), files: z.array(z.string()) })).default([]),
    secretGenerator: z.array(z.object({ name: z.string(), envs: z.array(z.string()) })).default([]),
    images: z.array(z.object({ name: z.string() })).default([]),
  })
  .parse(parse(read(join(K8S, 'kustomization.yaml'))));

const labels = z.record(z.string(), z.string());
const probe = z.object({ httpGet: z.object({ path: z.string(), port: z.string() }) });
const container = z.object({
  image: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  env: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  envFrom: z.array(z.object({ secretRef: z.object({ name: z.string() }) })).default([]),
  startupProbe: probe,
  livenessProbe: probe,
  readinessProbe: probe,
  securityContext: z.object({
    allowPrivilegeEscalation: z.boolean(),
    readOnlyRootFilesystem: z.boolean(),
    capabilities: z.object({ drop: z.array(z.string()) }),
  }),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })),
});
const deploymentSchema = z.object({
  kind: z.literal('Deployment'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.number(),
    strategy: z.object({ type: z.string() }),
    selector: z.object({ matchLabels: labels }),
    template: z.object({
      metadata: z.object({ labels, annotations: labels }),
      spec: z.object({
        securityContext: z.object({ runAsNonRoot: z.boolean(), runAsUser: z.number() }),
        containers: z.tuple([container]),
        volumes: z.array(
          z.object({
            name: z.string(),
            configMap: z.object({ name: z.string() }).optional(),
            emptyDir: z.object({}).optional(),
          }),
        ),
      }),
    }),
  }),
});
// A Service selects by labels; a PodDisruptionBudget by matchLabels.
const selectorOf = (value: unknown) =>
  z
    .object({
      spec: z.object({
        selector: z.union([z.object({ matchLabels: labels }).transform((s) => s.matchLabels), labels]),
      }),
    })
    .parse(value).spec.selector;
type Deployment = z.output<typeof deploymentSchema>;

const documents = kustomization.resources.flatMap((file) =>
  parseAllDocuments(read(join(K8S, file))).map((d) => ({ file, value: d.toJS() as unknown })),
);
const deployments = documents.flatMap(({ value }) =>
  deploymentSchema.safeParse(value).success ? [deploymentSchema.parse(value)] : [],
);
const ofKind = (k: string) =>
  documents.map((d) => d.value).filter((v) => z.object({ kind: z.literal(k) }).safeParse(v).success);
const matches = (selector: Record<string, string>, podLabels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => podLabels[k] === v);
const secretEnv = envFile(read(join(K8S, 'secrets.env.example')));

/** Each Deployment's effective config: image ENV, the Secret's variables, the container's env, the mounted file. */
function deploymentConfig(d: Deployment): Config {
  const [c] = d.spec.template.spec.containers;
  const env = {
    ...Object.fromEntries(Object.entries(secretEnv).map(([k, v]) => [k, v || 'test-secret'])),
    ...Object.fromEntries(c.env.map((e) => [e.name, e.value])),
  };
  return containerConfig(env, (path) => {
    const mount = c.volumeMounts.find((m) => path.startsWith(`${m.mountPath}/`));
    const configMap = d.spec.template.spec.volumes.find((v) => v.name === mount?.name)?.configMap?.name;
    const file = kustomization.configMapGenerator
      .find((g) => g.name === configMap)
      ?.files.find((f) => basename(f) === basename(path));
    return file ? join(K8S, file) : undefined;
  });
}

describe('deploy/kubernetes', () => {
  const byName = (name: string) => {
    const found = deployments.find((d) => d.metadata.name === name);
    if (!found) throw new Error(`no Deployment ${name}`);
    return found;
  };
  const withConfigs = () => deployments.map((d) => ({ d, config: deploymentConfig(d) }));

  it('lists in kustomization.yaml every manifest, and only files that exist; the real secrets stay untracked', () => {
    const listed = [...kustomization.resources, ...kustomization.configMapGenerator.flatMap((g) => g.files)];
    for (const file of listed) expect(existsSync(join(K8S, file)), file).toBe(true);
    const manifests = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    for (const file of manifests) expect(listed, file).toContain(file);
    for (const env of kustomization.secretGenerator.flatMap((g) => g.envs)) {
      expect(existsSync(join(K8S, `${env}.example`)), `${env}.example`).toBe(true);
      expect(read(join(K8S, '.gitignore')).split('\n')).toContain(env);
    }
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['rollcall-api', 'rollcall-collector']);
  });

  it('sets only real ROLLCALL_* overrides, and each Deployment’s config validates against a ClickHouse server', () => {
    expect(
      unknownOverrides([
        ...Object.keys(secretEnv),
        ...deployments.flatMap((d) => d.spec.template.spec.containers[0].env.map((e) => e.name)),
      ]),
    ).toEqual([]);
    for (const { d, config } of withConfigs()) {
      expect(config.clickhouse.url, `${d.metadata.name}: replicas must share one store`).toBeDefined();
      expect(d.spec.template.spec.containers[0].envFrom.map((e) => e.secretRef.name)).toEqual(
        kustomization.secretGenerator.map((g) => g.name),
      );
      expect(kustomization.images.map((i) => i.name)).toContain(d.spec.template.spec.containers[0].image);
    }
  });

  it('runs the rules engine and the lag sampler in exactly one pod, never two during a rollout', () => {
    const configs = withConfigs();
    const count = (on: (c: Config) => boolean) =>
      configs.reduce((sum, { d, config }) => sum + (on(config) ? d.spec.replicas : 0), 0);
    expect(count((c) => c.rules.enabled)).toBe(1);
    expect(count((c) => c.lag.enabled)).toBe(1);
    for (const { d, config } of configs) if (config.rules.enabled) expect(d.spec.strategy.type).toBe('Recreate');
    // The lag sampler reads a broker only while that broker's tap is on.
    for (const { config } of configs.filter((c) => c.config.lag.enabled))
      expect([config.kafka.enabled, config.rabbitmq.enabled]).toEqual([true, true]);
  });

  it('scales collectors out under a disruption budget, and serves the dashboard from the rules pod only', () => {
    const collector = byName('rollcall-collector');
    const api = byName('rollcall-api');
    expect(collector.spec.replicas).toBeGreaterThanOrEqual(2);
    const [pdb] = ofKind('PodDisruptionBudget').map(selectorOf);
    const [svc] = ofKind('Service').map(selectorOf);
    if (!pdb || !svc) throw new Error('expected a PodDisruptionBudget and a Service');
    expect([
      matches(pdb, collector.spec.template.metadata.labels),
      matches(pdb, api.spec.template.metadata.labels),
    ]).toEqual([true, false]);
    expect([
      matches(svc, api.spec.template.metadata.labels),
      matches(svc, collector.spec.template.metadata.labels),
    ]).toEqual([true, false]);
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('runs as non-root on a read-only root filesystem, with a writable /tmp for tsx’s compile cache', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = c.volumeMounts.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir, d.metadata.name).toBeDefined();
      for (const m of c.volumeMounts) expect(pod.volumes.map((v) => v.name)).toContain(m.name);
      for (const v of pod.volumes.filter((v) => v.configMap))
        expect(kustomization.configMapGenerator.map((g) => g.name)).toContain(v.configMap?.name);
    }
  });

  it('mounts rule files that validate where the rules engine runs', () => {
    const files = kustomization.configMapGenerator.find((g) => g.name === 'rollcall-rules')?.files ?? [];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(parseRuleFile(read(join(K8S, file)), file).length).toBeGreaterThan(0);
  });

  it('answers the probes and the scrape path without a token, on the port the pods declare', async () => {
    for (const { d, config } of withConfigs()) {
      const [c] = d.spec.template.spec.containers;
      const app = createApp({
        config,
        store: reference,
        log: createLogger('error'),
        metrics: createMetrics({ store: reference, topStreams: config.metrics.top_streams }),
      });
      const port = (name: string) => c.ports.find((p) => p.name === name)?.containerPort;
      const annotations = d.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/scrape']).toBe('true');
      expect(Number(annotations['prometheus.io/port'])).toBe(config.api.port);
      const paths = [c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => {
        expect(port(p.httpGet.port)).toBe(config.api.port);
        return p.httpGet.path;
      });
      for (const path of [...paths, annotations['prometheus.io/path'] ?? ''])
        expect((await app.request(path)).status, `${d.metadata.name} ${path}`).toBe(200);
    }
    // Collectors are ready only with both taps connected; see deployment-api.yaml for why the API pod is not.
    expect(byName('rollcall-collector').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
  });
});

// ---- deploy/clickhouse/cluster.sql ---------------------------------------------------------------------------
const clusterSql = read(join(DEPLOY, 'clickhouse/cluster.sql'));
const statements = clusterSql
  .split('\n')
  .filter((line) => !/^\s*--/.test(line))
  .join('\n')
  .split(/;\s*(?:\n|$)/)
  .map((s) => s.trim())
  .filter((s) => s !== '');

/** The single-node twin of a cluster statement, for chDB (no Keeper, no cluster): the same tables, not replicated. */
const singleNode = (sql: string) =>
  sql.replace(/ ON CLUSTER '\{cluster\}'/g, '').replace(/Replicated(\w*MergeTree)\('[^']*', '[^']*'(?:, )?/g, '$1(');

interface TableRow {
  name: string;
  engine: string;
  engine_full: string;
  create_table_query: string;
  as_select: string;
}

describe('deploy/clickhouse/cluster.sql', () => {
  const tables = async (db: string) =>
    queryRows<TableRow>(
      reference,
      `SELECT name, engine, engine_full, create_table_query, as_select FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db },
    );

  it('creates every table Rollcall creates, ON CLUSTER with a Replicated engine, in statements ClickHouse parses', async () => {
    for (const sql of statements) {
      const [parsed] = await queryRows<{ q: string }>(reference, 'SELECT formatQuery({sql:String}) AS q', { sql });
      expect(parsed?.q, sql.slice(0, 80)).toBeTruthy();
    }
    for (const t of await tables('reference')) {
      const create = statements.find((s) =>
        new RegExp(
          `^CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS rollcall\\.${t.name} ON CLUSTER '\\{cluster\\}'`,
        ).test(s),
      );
      expect(create, `cluster.sql does not create rollcall.${t.name}`).toBeDefined();
      if (t.engine.endsWith('MergeTree'))
        expect(create).toContain(
          `ENGINE = Replicated${t.engine}('/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`,
        );
    }
  });

  it('builds the same columns, keys, partitions, TTLs, projections and view as the migrations, and Rollcall starts on it without re-running one', async () => {
    for (const sql of statements) await reference.client.command({ query: singleNode(sql) });
    const marked = await queryRows<{ version: number; name: string }>(
      reference,
      'SELECT version, name FROM rollcall.schema_migrations ORDER BY version',
      {},
    );
    expect(marked).toEqual(
      await queryRows(reference, 'SELECT version, name FROM reference.schema_migrations ORDER BY version', {}),
    );

    const store = await openStore(clickhouse('rollcall'));
    opened.push(store);
    expect(await queryRows(store, 'SELECT version, name FROM rollcall.schema_migrations ORDER BY version', {})).toEqual(
      marked,
    );

    // Settings differ on purpose (replicated vs non-replicated deduplication window); everything else must not.
    const shape = (rows: TableRow[], db: string) =>
      rows.map((t) => ({
        name: t.name,
        engine: t.engine,
        definition: t.engine_full.replace(/ SETTINGS .*$/, ''),
        projections: [...t.create_table_query.matchAll(/PROJECTION (\w+)/g)].map((m) => m[1]),
        view: t.as_select.replaceAll(`${db}.`, '<db>.'),
        target: / TO (\S+)/.exec(t.create_table_query)?.[1]?.replace(`${db}.`, '<db>.') ?? '',
      }));
    expect(shape(await tables('rollcall'), 'rollcall')).toEqual(shape(await tables('reference'), 'reference'));
    const columns = (db: string) =>
      queryRows(
        store,
        'SELECT table, name, type, position, default_kind, default_expression FROM system.columns WHERE database = {db:String} ORDER BY table, position',
        { db },
      );
    expect(await columns('rollcall')).toEqual(await columns('reference'));

    // The app's write path reaches the rollup through the pre-created view.
    await store.insertEvents([row(1), row(2), row(3)], 'deploy-cluster-sql', 1);
    const [rollup] = await queryRows<{ count: string }>(
      store,
      'SELECT sum(count) AS count FROM rollcall.events_per_minute',
      {},
    );
    expect(Number(rollup?.count)).toBe(3);
  });
});
