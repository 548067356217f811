import { describe, expect, it } from 'vitest';
import { sentenceParts } from './Sentence.tsx';

describe('sentenceParts', () => {
  it('finds the UTC instants in a sentence, keeping every character', () => {
    const text = 'kafka reported nothing between 2026-12-06T20:14:29.421Z and 2026-12-06T20:15:00Z';
    expect(sentenceParts(text)).toEqual([
      'kafka reported nothing between ',
      '2026-12-06T20:14:29.421Z',
      ' and ',
      '2026-12-06T20:15:00Z',
      '',
    ]);
    expect(sentenceParts('waiting: the window is not over').join('')).toBe('waiting: the window is not over');
    expect(sentenceParts('2026-12-06T20:14:29Z')).toEqual(['', '2026-12-06T20:14:29Z', '']);
    // A local time without its zone is not an instant the page can place.
    expect(sentenceParts('at 2026-12-06T20:14:29')).toEqual(['at 2026-12-06T20:14:29']);
  });
});
