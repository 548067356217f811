// Rule files: every *.yaml / *.yml in one directory, re-read when they change. A file that stops validating
// keeps its last good rules running and carries an error that the engine raises as a config alert.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  mtimeMs: number;
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

export function listRuleFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.'))
    .sort();
}

export function createRuleFiles({ dir, log, pollMs = 2000, onChange }: { dir: string; log: Logger; pollMs?: number; onChange?: () => void }): RuleFiles {
  const states = new Map<string, RuleFileState>();
  let clashes = new Map<string, string>();
  let merged: Rule[] = [];
  let timer: NodeJS.Timeout | undefined;

  const readOne = (file: string, mtimeMs: number): boolean => {
    const previous = states.get(file);
    try {
      const rules = parseRuleFile(readFileSync(join(dir, file), 'utf8'), join(dir, file));
      states.set(file, { file, rules, mtimeMs });
      if (previous?.error) log.info('rule file is valid again', { file });
      return true;
    } catch (err) {
      const error = (err as Error).message;
      states.set(file, { file, rules: previous?.rules ?? [], error, mtimeMs });
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

  const reload = () => {
    const onDisk = new Set(listRuleFiles(dir));
    let touched = false;
    for (const file of states.keys()) {
      if (!onDisk.has(file)) {
        states.delete(file);
        touched = true;
      }
    }
    for (const file of onDisk) {
      let mtimeMs: number;
      try {
        mtimeMs = statSync(join(dir, file)).mtimeMs;
      } catch {
        continue; // deleted between listing and stat: the next poll sees it gone
      }
      if (states.get(file)?.mtimeMs === mtimeMs) continue;
      readOne(file, mtimeMs);
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
