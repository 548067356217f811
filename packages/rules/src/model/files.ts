// Rule files: every *.yaml / *.yml in one directory, re-read when they change. A file that stops validating
// keeps its last good rules running and carries an error that the engine raises as a config alert.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeIssues, lineOf, readYaml } from '@rollcall/core/config';
import type { Keeping } from '@rollcall/core/audit';
import type { Logger } from '@rollcall/core/log';
import { auditProblems } from './audit-check.ts';
import { ruleFileSchema, type Rule } from './rule.ts';
import { singleFlight } from '../single-flight.ts';
import { createWorkerParser, type Loaded, type RuleParser } from './rule-parser.ts';

export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

/** Validates one file's text; throws RuleFileError naming file, line and field for every problem. */
export function parseRuleFile(text: string, fileName: string, audit?: Keeping): Rule[] {
  let source;
  try {
    source = readYaml(text, fileName);
  } catch (err) {
    throw new RuleFileError(err instanceof ConfigError ? err.message : String(err));
  }
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RuleFileError(`${fileName}:1: expected a mapping with a "rules" list`);
  const result = ruleFileSchema.safeParse(value);
  if (!result.success) throw new RuleFileError(describeIssues(result.error.issues, fileName, source).join('\n'));
  const seen = new Map<string, number>();
  const dupes = result.data.rules.flatMap((rule, i) => {
    const first = seen.get(rule.id);
    seen.set(rule.id, first ?? i);
    return first === undefined
      ? []
      : [
          `${fileName}${lineOf(source.document, ['rules', i, 'id'], source.lines)}: rules.${i}.id: "${rule.id}" is already used by rules.${first}`,
        ];
  });
  if (dupes.length) throw new RuleFileError(dupes.join('\n'));
  const unkept = audit ? auditProblems(result.data.rules, audit) : [];
  if (unkept.length)
    throw new RuleFileError(
      unkept
        .map((p) => {
          const where = lineOf(source.document, p.path, source.lines);
          return `${fileName}${where}: ${p.path.join('.')}: ${p.message}`;
        })
        .join('\n'),
    );
  return result.data.rules;
}

export interface RuleFileState {
  file: string;
  rules: Rule[];
  /** Set while the file on disk is broken; `rules` are then the last good ones. */
  error?: string;
  /** mtime and size, or the fs error: the file is read again when it changes. */
  stamp: string;
}

export interface RuleFiles {
  /** Every running rule, ids unique across files (a later file's clashing rule is refused). */
  rules(): Rule[];
  files(): RuleFileState[];
  /** Re-reads what changed on disk; returns true when the running set changed. */
  reload(): boolean;
  start(): void;
  stop(): void;
}

/** A fixed set of rules with no files behind them, for callers that hand the engine its rules (tests, benchmarks). */
export const fixedRuleFiles = (rules: Rule[]): RuleFiles => ({
  rules: () => rules,
  files: () => [],
  reload: () => false,
  start: () => {},
  stop: () => {},
});

/** Changed files are parsed on a worker thread (rule-parser.ts), but start-up and `rules check` parse on the
 * main thread, so the cap bounds how long they can be held: yaml takes about 0.4 s for 256 kB (2,400 rules) on a
 * busy 2-core machine and 3 s for 1 MB, and a 10 MB file held /healthz for 20 s. Larger files are refused unread. */
export const MAX_RULE_FILE_BYTES = 262_144;

export function listRuleFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.'))
      .sort();
  } catch (err) {
    throw new RuleFileError(`${dir}: cannot list rule files: ${fsReason(err)}`);
  }
}

const FS_REASONS: Record<string, string> = {
  ELOOP: 'a symlink loop',
  EISDIR: 'a directory, not a rule file',
  EACCES: 'not readable (permission denied)',
  ENOENT: 'gone, or a symlink to nothing',
};

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' ? FS_REASONS[code] : undefined) ?? (err instanceof Error ? err.message : String(err))
  );
}

function notRegular(info: Stats): void {
  if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  if (!info.isFile()) throw new Error('not a regular file (a FIFO, socket or device)');
}

/** Reads one rule file (symlinks followed, size capped) and validates it; every problem is a RuleFileError
 * naming the file, and the line and field where there is one. */
export function readRuleFile(path: string, audit?: Keeping): Rule[] {
  let text: string;
  let fd: number | undefined;
  try {
    // A FIFO or a device (x.yaml -> /dev/zero) would block the open or never end the read: look before opening.
    notRegular(statSync(path));
    fd = openSync(path, 'r');
    // Checked again on the open descriptor, so a file swapped after the stat cannot slip past the cap.
    const info = fstatSync(fd);
    notRegular(info);
    if (info.size > MAX_RULE_FILE_BYTES)
      throw new RuleFileError(
        `${path}: ${Math.ceil(info.size / 1024)} kB; rule files are limited to ${MAX_RULE_FILE_BYTES / 1024} kB (split it into several files)`,
      );
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof RuleFileError) throw err;
    throw new RuleFileError(`${path}: ${fsReason(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parseRuleFile(text, path, audit);
}

/** What a rule file's content depends on: its mtime and size, or the fs error while the path is broken. */
function stampOf(path: string): string | undefined {
  try {
    const info = statSync(path);
    return `${info.mtimeMs}:${info.size}`;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return code === 'ENOENT' ? undefined : `error:${String(code)}`;
  }
}

export function loadRuleFile(path: string, audit?: Keeping): Loaded {
  try {
    return { rules: readRuleFile(path, audit) };
  } catch (err) {
    // Anything but a RuleFileError is a bug of ours: it must not take the last good rules down with it either.
    return { error: err instanceof RuleFileError ? err.message : `${path}: could not be loaded: ${String(err)}` };
  }
}

export interface RuleFilesDeps {
  dir: string;
  log: Logger;
  pollMs?: number;
  onChange?: () => void;
  /** Where polling reads changed files: by default a worker thread, so a large file never blocks the event loop. */
  parser?: RuleParser;
  /** What the taps keep per stream: a rule that needs more is refused with its line. */
  audit?: Keeping;
}

export function createRuleFiles({
  dir,
  log,
  pollMs = 2000,
  onChange,
  parser = createWorkerParser(),
  audit,
}: RuleFilesDeps): RuleFiles {
  const states = new Map<string, RuleFileState>();
  let clashes = new Map<string, string>();
  let merged: Rule[] = [];
  let timer: NodeJS.Timeout | undefined;

  const apply = (file: string, stamp: string, loaded: Loaded) => {
    const previous = states.get(file);
    if ('rules' in loaded) {
      states.set(file, { file, rules: loaded.rules, stamp });
      if (previous?.error) log.info('rule file is valid again', { file });
      return;
    }
    states.set(file, { file, rules: previous?.rules ?? [], error: loaded.error, stamp });
    log.error(`rule file is invalid; its last good rules keep running\n${loaded.error}`, {
      file,
      kept: previous?.rules.length ?? 0,
    });
  };

  const merge = () => {
    const owner = new Map<string, string>();
    const next: Rule[] = [];
    const found = new Map<string, string>();
    for (const state of [...states.values()].sort((a, b) => a.file.localeCompare(b.file))) {
      for (const rule of state.rules) {
        const taken = owner.get(rule.id);
        if (taken) {
          const clash = `${join(dir, state.file)}: rule "${rule.id}" is already defined in ${join(dir, taken)}; this one is ignored`;
          if (clashes.get(state.file) !== clash) log.error(clash);
          found.set(state.file, clash);
          continue;
        }
        owner.set(rule.id, state.file);
        next.push(rule);
      }
    }
    clashes = found;
    const changed = JSON.stringify(next) !== JSON.stringify(merged);
    merged = next;
    return changed;
  };

  const listed = (): Set<string> | undefined => {
    try {
      return new Set(listRuleFiles(dir));
    } catch (err) {
      log.error('rule directory cannot be read; the loaded rules keep running', { dir, err: (err as Error).message });
      return undefined;
    }
  };

  /** Drops files gone from disk; returns whether any went, and the files to read again with their new stamps. */
  const changes = (): { removed: boolean; changed: { file: string; stamp: string }[] } | undefined => {
    const onDisk = listed();
    if (!onDisk) return undefined;
    let removed = false;
    for (const file of states.keys()) {
      if (onDisk.has(file)) continue;
      states.delete(file);
      removed = true;
    }
    const changed = [...onDisk].flatMap((file) => {
      const stamp = stampOf(join(dir, file));
      // undefined: deleted between listing and stat; the next poll sees it gone
      return stamp === undefined || states.get(file)?.stamp === stamp ? [] : [{ file, stamp }];
    });
    return { removed, changed };
  };

  const settle = (touched: boolean) => {
    const changed = touched && merge();
    if (changed) log.info('rules loaded', { dir, rules: merged.length, files: states.size });
    return changed;
  };

  /** Reads on this thread: at start-up, before anything is served, and in tests. */
  const reload = () => {
    const found = changes();
    if (!found) return false;
    for (const { file, stamp } of found.changed) apply(file, stamp, loadRuleFile(join(dir, file), audit));
    return settle(found.removed || found.changed.length > 0);
  };

  const refresh = async () => {
    const found = changes();
    if (!found) return false;
    for (const { file, stamp } of found.changed) apply(file, stamp, await parser.parse(join(dir, file), audit));
    return settle(found.removed || found.changed.length > 0);
  };
  const polls = singleFlight(
    async () => {
      if (await refresh()) onChange?.();
    },
    (err) => log.error('rule files could not be re-read; the loaded rules keep running', { dir, err }),
  );

  return {
    rules: () => merged,
    files: () => [...states.values()].map((s) => ({ ...s, error: s.error ?? clashes.get(s.file) })),
    reload,
    start() {
      reload();
      // Polling, not fs.watch: editors replace files by rename and network volumes send no events.
      timer = setInterval(() => void polls.run(), pollMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      void parser.close();
    },
  };
}
