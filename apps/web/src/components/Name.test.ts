import { describe, expect, it } from 'vitest';
import { nameParts } from './Name.tsx';

describe('nameParts', () => {
  it('breaks only after separators, keeping every character', () => {
    expect(nameParts('cards-published-per-request')).toEqual(['cards-', 'published-', 'per-', 'request']);
    expect(nameParts('demo.card.requests')).toEqual(['demo.', 'card.', 'requests']);
    expect(nameParts('__consumer_offsets')).toEqual(['__', 'consumer_', 'offsets']);
    expect(nameParts('plain')).toEqual(['plain']);
    expect(nameParts('AuthorizationRequested')).toEqual(['Authorization', 'Requested']);
    expect(nameParts('pay.CardAuthorized.v2')).toEqual(['pay.', 'Card', 'Authorized.', 'v2']);
    expect(nameParts('HTTPServer')).toEqual(['HTTPServer']);
    expect(nameParts('').join('')).toBe('');
  });
});
