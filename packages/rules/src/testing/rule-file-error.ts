// For tests of rule-file validation: the message a rule file's text is rejected with, as `rules check` shows it.
import { parseRuleFile } from '../model/files.ts';

/** The error parsing `text` as rules.d/x.yaml throws, or 'no error'. */
export function ruleFileError(text: string): string {
  try {
    parseRuleFile(text, 'rules.d/x.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}
