// Rule files: every *.yaml / *.yml in one directory, re-read when they change. A file that stops validating
// keeps its last good rules running and carries an error that the engine raises as a config alert.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeIssues, lineOf, readYaml } from '@rollcall/core/config';
import type { Logger } from '@rollcall/core/log';
import { ruleFileSchema, type Rule } from './rule.ts';

export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

/** Validates one file's text; throws RuleFileError naming file, line and field for every problem. */
export function parseRuleFile(text: string, fileName: string): Rule[] {
  let source;
  try {
    source = readYaml(text, fileName);
  } catch (err) {
    throw new RuleFileError(err instanceof ConfigError ? err.message : String(err));
  }
  const value = source.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RuleFileError(`${fileName}:1: expected a mapping with a "rules" list`);
  const result = ruleFileSchema.safeParse(value);
  if (!result.success) throw new RuleFileError(describeIssues(result.error.issues, fileName, source).join('\n'));
  const seen = new Map<string, number>();
  const dupes = result.data.rules.flatMap((rule, i) => {
    const first = seen.get(rule.id);
    seen.set(rule.id, first ?? i);
    return first === undefined ? [] : [`${fileName}${lineOf(source.document, ['rules', i, 'id'], source.lines)}: rules.${i}.id: "${rule.id}" is already used by rules.${first}`];
  });
  if (dupes.length) throw new RuleFileError(dupes.join('\n'));
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

/** Rule files are parsed on the event loop (reload is synchronous), and the yaml parser takes about 0.4 s for
 * 256 kB (2,400 rules) on a busy 2-core machine, 3 s for 1 MB: a 10 MB file held /healthz for 20 s. 256 kB is ten
 * times the largest rule directory we know of; a file above it is refused unread. */
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
  return (typeof code === 'string' ? FS_REASONS[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
}

function notRegular(info: Stats): void {
  if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  if (!info.isFile()) throw new Error('not a regular file (a FIFO, socket or device)');
}

/** Reads one rule file (symlinks followed, size capped) and validates it; every problem is a RuleFileError
 * naming the file, and the line and field where there is one. */
export function readRuleFile(path: string): Rule[] {
  let text: string;
  let fd: number | undefined;
  try {
    // A FIFO or a device (x.yaml -> /dev/zero) would block the open or never end the read: look before opening.
    notRegular(statSync(path));
    fd = openSync(path, 'r');
    // Checked again on the open descriptor, so a file swapped after the stat cannot slip past the cap.
    const info = fstatSync(fd);
    notRegular(info);
    if (info.size > MAX_RULE_FILE_BYTES) throw new RuleFileError(`${path}: ${Math.ceil(info.size / 1024)} kB; rule files are limited to ${MAX_RULE_FILE_BYTES / 1024} kB (split it into several files)`);
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof RuleFileError) throw err;
    throw new RuleFileError(`${path}: ${fsReason(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parseRuleFile(text, path);
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

export function createRuleFiles({ dir, log, pollMs = 2000, onChange }: { dir: string; log: Logger; pollMs?: number; onChange?: () => void }): RuleFiles {
  const states = new Map<string, RuleFileState>();
  let clashes = new Map<string, string>();
  let merged: Rule[] = [];
  let timer: NodeJS.Timeout | undefined;

  const readOne = (file: string, stamp: string): boolean => {
    const previous = states.get(file);
    try {
      const rules = readRuleFile(join(dir, file));
      states.set(file, { file, rules, stamp });
      if (previous?.error) log.info('rule file is valid again', { file });
      return true;
    } catch (err) {
      // Anything else is a bug of ours: it must not take the last good rules down with it either.
      const error = err instanceof RuleFileError ? err.message : `${join(dir, file)}: could not be loaded: ${String(err)}`;
      states.set(file, { file, rules: previous?.rules ?? [], error, stamp });
      log.error(`rule file is invalid; its last good rules keep running\n${error}`, { file, kept: previous?.rules.length ?? 0 });
      return false;
    }
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

  const reload = () => {
    const onDisk = listed();
    if (!onDisk) return false;
    let touched = false;
    for (const file of states.keys()) {
      if (!onDisk.has(file)) {
        states.delete(file);
        touched = true;
      }
    }
    for (const file of onDisk) {
      const stamp = stampOf(join(dir, file));
      if (stamp === undefined) continue; // deleted between listing and stat: the next poll sees it gone
      if (states.get(file)?.stamp === stamp) continue;
      readOne(file, stamp);
      touched = true;
    }
    const changed = touched && merge();
    if (changed) log.info('rules loaded', { dir, rules: merged.length, files: states.size });
    return changed;
  };

  return {
    rules: () => merged,
    files: () => [...states.values()].map((s) => ({ ...s, error: s.error ?? clashes.get(s.file) })),
    reload,
    start() {
      reload();
      // Polling, not fs.watch: editors replace files by rename and network volumes send no events.
      timer = setInterval(() => {
        if (reload()) onChange?.();
      }, pollMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
