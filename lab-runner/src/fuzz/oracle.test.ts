import { describe, expect, it } from 'vitest';
import { judgeApiAnswer } from './oracle.js';

describe('the fuzz oracle', () => {
  it("accepts API Priority and Fairness' plain-text 429 and nothing else without a Status", () => {
    expect(judgeApiAnswer(429, 'text/plain; charset=utf-8', Buffer.from('Too many requests, please try again later.\n'))).toEqual({ ok: true });
    expect(judgeApiAnswer(429, 'text/plain; charset=utf-8', Buffer.from('slow down\n')).ok).toBe(false);
    expect(judgeApiAnswer(403, 'text/plain; charset=utf-8', Buffer.from('Too many requests, please try again later.\n')).ok).toBe(false);
    expect(judgeApiAnswer(500, 'application/json', Buffer.from('{}')).ok).toBe(false);
  });
});
