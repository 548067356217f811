// loadConfig: read rollcall.yaml (optional), layer env overrides, validate once. Errors name file, line and field.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';
import { applyEnv } from './env.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigSource {
  /** Path from --config; falls back to ROLLCALL_CONFIG, then ./rollcall.yaml if it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export function resolveConfigPath(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): { path?: string; explicit: boolean } {
  const chosen = file ?? env.ROLLCALL_CONFIG;
  if (chosen) return { path: resolve(chosen), explicit: true };
  const local = resolve('rollcall.yaml');
  return existsSync(local) ? { path: local, explicit: false } : { explicit: false };
}

export function loadConfig({ file, env = process.env }: ConfigSource = {}): Config {
  const { path } = resolveConfigPath(file, env);
  let text = '';
  if (path) {
    if (!existsSync(path)) throw new ConfigError(`config file ${path} does not exist`);
    text = readFileSync(path, 'utf8');
  }
  return parseConfig(text, path ?? '(no config file)', env);
}

export interface YamlSource {
  document: ReturnType<typeof parseDocument>;
  lines: LineCounter;
  value: unknown;
}

/** Parses YAML keeping positions, so later validation errors can name the line. */
export function readYaml(text: string, fileName: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError) {
    // linePos is only filled in with prettyErrors, which would also rewrite the message; ask the LineCounter.
    const pos = lines.linePos(yamlError.pos[0]);
    throw new ConfigError(
      `${fileName}${pos.line > 0 ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${yamlError.message.split('\n')[0]}`,
    );
  }
  return { document, lines, value: toJs(document, lines, fileName) };
}

/** The document as plain values. Expanding aliases can explode (a "billion laughs" file: a few lines, billions
 * of nodes); yaml refuses past its alias budget, and the error then names the file and the first alias. */
function toJs(document: ReturnType<typeof parseDocument>, lines: LineCounter, fileName: string): unknown {
  try {
    return document.toJS() ?? {};
  } catch (err) {
    let line = 0;
    visit(document, {
      Alias(_key, node) {
        line = lines.linePos(node.range?.[0] ?? 0).line;
        return visit.BREAK;
      },
    });
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `${fileName}${line > 0 ? `:${line}` : ''}: invalid YAML: ${reason.split('\n')[0]} (aliases expand to too many nodes)`,
    );
  }
}

/** Problems listed per file: each is located in the document, so 20,000 unknown keys took minutes to list. */
const MAX_PROBLEMS = 20;

/** One line per problem: `where: dotted.path: message`, where is file:line unless `whereFor` says otherwise; past
 * MAX_PROBLEMS, one line saying how many more. */
export function describeIssues(
  issues: z.core.$ZodIssue[],
  fileName: string,
  source: YamlSource,
  whereFor?: (path: PropertyKey[]) => string | undefined,
): string[] {
  const problems = issues.flatMap((issue) => {
    const what = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((path) => ({ path, what }));
  });
  const lines = problems.slice(0, MAX_PROBLEMS).map(({ path, what }) => {
    const where = whereFor?.(path) ?? `${fileName}${lineOf(source.document, path, source.lines)}`;
    return `${where}: ${path.map(String).join('.') || '(top level)'}: ${what}`;
  });
  const more = problems.length - lines.length;
  return more > 0 ? [...lines, `${fileName}: … and ${more} more problem${more === 1 ? '' : 's'}`] : lines;
}

export function parseConfig(text: string, fileName: string, env: NodeJS.ProcessEnv = {}): Config {
  const source = readYaml(text, fileName);
  const raw = source.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(`${fileName}:1: expected a mapping of settings at the top level`);
  const { doc, origins } = applyEnv(raw as Record<string, unknown>, env);
  const result = configSchema.safeParse(doc);
  if (result.success) return withRouteSecrets(result.data, env, fileName, source);
  const messages = describeIssues(result.error.issues, fileName, source, (path) => {
    const fromEnv = origins.get(path.slice(0, 2).map(String).join('.'));
    return fromEnv ? `env ${fromEnv}` : undefined;
  });
  throw new ConfigError(`invalid configuration:\n${messages.join('\n')}`);
}

/** `:line` of the node at `path` (or its deepest existing parent), '' when unknown. */
export function lineOf(document: ReturnType<typeof parseDocument>, path: PropertyKey[], lines: LineCounter): string {
  // Walk down to the deepest node that exists so a missing field points at its parent section.
  for (let depth = path.length; depth > 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const parent = depth > 1 ? document.getIn(path.slice(0, depth - 1), true) : document.contents;
    const key = isMap(parent)
      ? parent.items.find((item) => String((item.key as { value?: unknown })?.value) === String(path[depth - 1]))?.key
      : undefined;
    const range = (key as { range?: [number, number, number] } | undefined)?.range ?? node?.range;
    if (range) return `:${lines.linePos(range[0]).line}`;
  }
  return '';
}

/** Routes name the env vars that hold their URL and signing secret; read them here, once, so nothing else
 * touches the environment and a missing one stops start-up with the field named. */
function withRouteSecrets(config: Config, env: NodeJS.ProcessEnv, fileName: string, source: YamlSource): Config {
  const problems: z.core.$ZodIssue[] = [];
  const routes = config.alerting.routes.map((route, i) => {
    const read = (field: 'url_env' | 'secret_env') => {
      const name = route[field];
      if (name === undefined) return undefined;
      const value = env[name];
      if (!value)
        problems.push({
          code: 'custom',
          path: ['alerting', 'routes', i, field],
          message: `environment variable ${name} is not set`,
          input: name,
        });
      return value;
    };
    const url = read('url_env') ?? route.url;
    const secret = read('secret_env') ?? route.secret;
    return { ...route, ...(url !== undefined ? { url } : {}), ...(secret !== undefined ? { secret } : {}) };
  });
  if (problems.length)
    throw new ConfigError(`invalid configuration:\n${describeIssues(problems, fileName, source).join('\n')}`);
  return { ...config, alerting: { ...config.alerting, routes } };
}
