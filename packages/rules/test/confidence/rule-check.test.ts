// `rules check` on the new settings: defaults filled in, and each mistake reported as file:line: field: problem.
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../src/model/files.ts';
import { DEFAULT_CONFIDENCE, resolveForOf } from '../../src/model/rule.ts';
import { ruleFileError } from '../../src/testing/rule-file-error.ts';

const ratio = `rules:
  - id: paid
    type: ratio
    a: { stream: orders }
    b: { stream: payments }
    lo: 0.9
    every: 30s
`;

describe('confidence and resolve_for in rule files', () => {
  it('defaults to the default confidence and two evaluations of clean windows', () => {
    const [rule] = parseRuleFile(ratio, 'x.yaml');
    expect(rule).toMatchObject({ confidence: DEFAULT_CONFIDENCE, min_count: 0 });
    expect(rule && resolveForOf(rule)).toBe(60_000);
    const [set] = parseRuleFile(`${ratio}    confidence: 0.99\n    resolve_for: 0s\n`, 'x.yaml');
    expect(set).toMatchObject({ confidence: 0.99, resolve_for: 0 });
    expect(set && resolveForOf(set)).toBe(0);
  });

  it.each([
    [
      'a confidence written as a percentage',
      `${ratio}    confidence: 99.9\n`,
      /x\.yaml:8: rules\.0\.confidence: expected a confidence below 1 .*99\.9 is written 0\.999/,
    ],
    [
      'a confidence that is not a number',
      `${ratio}    confidence: high\n`,
      /x\.yaml:8: rules\.0\.confidence: expected a confidence between 0 and 1/,
    ],
    [
      'a negative confidence',
      `${ratio}    confidence: -0.5\n`,
      /x\.yaml:8: rules\.0\.confidence: expected a confidence between 0 and 1/,
    ],
    [
      'a bad resolve_for',
      `${ratio}    resolve_for: a while\n`,
      /x\.yaml:8: rules\.0\.resolve_for: expected a duration/,
    ],
    [
      'confidence on a volume floor',
      'rules:\n  - id: f\n    type: volume\n    match: { stream: x }\n    min: 3\n    confidence: 0.99\n',
      /x\.yaml:6: rules\.0\.confidence: unknown field/,
    ],
  ])('names the file, line and field for %s', (_, text, message) => {
    expect(ruleFileError(text)).toMatch(message);
  });
});
