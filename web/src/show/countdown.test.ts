import { describe, expect, it } from 'vitest';
import { startsIn } from './countdown.ts';

const at = Date.UTC(2030, 0, 1, 12, 0, 0);
const minutes = (n: number) => n * 60_000;

describe('startsIn', () => {
  it('counts down in days and hours, then hours and minutes, then minutes', () => {
    expect(startsIn(at, at - minutes(3 * 24 * 60 + 4 * 60 + 30))).toBe('Starts in 3 days 4 h');
    expect(startsIn(at, at - minutes(24 * 60 + 10))).toBe('Starts in 1 day');
    expect(startsIn(at, at - minutes(2 * 60 + 14) - 30_000)).toBe('Starts in 2 h 14 min');
    expect(startsIn(at, at - minutes(60))).toBe('Starts in 1 h');
    expect(startsIn(at, at - minutes(59) - 59_000)).toBe('Starts in 59 min');
    expect(startsIn(at, at - 59_000)).toBe('Starts in less than a minute');
  });

  it('says the show is about to start once its time has come, however late the host is', () => {
    expect(startsIn(at, at)).toBe('Starting any moment');
    expect(startsIn(at, at + minutes(45))).toBe('Starting any moment');
  });
});
