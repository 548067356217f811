// The YAML text of one rule as written in its file (comments included), for the dashboard's rule view.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { MAX_RULE_FILE_BYTES } from '@rollcall/rules/files';

export function ruleYaml(file: string, id: string): string {
  let text: string;
  try {
    // The file may have changed since its rules loaded: a FIFO would hang this request, a huge file stall them all.
    const info = statSync(file);
    if (!info.isFile() || info.size > MAX_RULE_FILE_BYTES) return '';
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const rules = parseDocument(text).get('rules');
  if (!isSeq(rules)) return '';
  for (const item of rules.items) {
    if (!isMap(item) || item.get('id') !== id || !item.range) continue;
    // The rule's own lines plus the comment lines right above it, which describe it.
    let start = text.lastIndexOf('\n', item.range[0] - 1) + 1;
    for (
      let above = text.lastIndexOf('\n', start - 2) + 1;
      start > 0 && /^\s*#/.test(text.slice(above, start - 1));
      above = text.lastIndexOf('\n', above - 2) + 1
    )
      start = above;
    const lines = text.slice(start, item.range[2]).replace(/\s+$/, '').split('\n');
    // Undo the list indentation so the snippet reads as a rule on its own.
    const indent = Math.min(
      ...lines.filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => /^[ -]*/.exec(l)?.[0].length ?? 0),
    );
    return lines
      .map((l) =>
        l.slice(0, indent).trim() === '' || l.slice(0, indent).trim() === '-' ? l.slice(indent) : l.trimStart(),
      )
      .join('\n');
  }
  return '';
}
