import { describe, expect, it } from 'vitest';
import { isQuiet } from './quiet-hours.ts';

describe('isQuiet', () => {
  const night = { startMinute: 22 * 60, endMinute: 7 * 60, timeZone: 'America/New_York' };

  it('spans midnight on the user’s clock, not the server’s', () => {
    // 03:30 UTC is 22:30 in New York (EST, UTC-5): quiet; 12:30 UTC is 07:30 there: not.
    expect(isQuiet(night, new Date('2026-01-15T03:30:00Z'))).toBe(true);
    expect(isQuiet(night, new Date('2026-01-15T11:59:00Z'))).toBe(true);
    expect(isQuiet(night, new Date('2026-01-15T12:00:00Z'))).toBe(false);
    expect(isQuiet(night, new Date('2026-01-15T02:59:00Z'))).toBe(false);
  });

  it('within one day: start included, end not', () => {
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, timeZone: 'UTC' };
    expect(isQuiet(lunch, new Date('2026-01-15T12:00:00Z'))).toBe(true);
    expect(isQuiet(lunch, new Date('2026-01-15T13:00:00Z'))).toBe(false);
    expect(isQuiet(lunch, new Date('2026-01-15T11:59:00Z'))).toBe(false);
  });

  it('no quiet hours: never quiet', () => {
    expect(isQuiet(null, new Date())).toBe(false);
  });
});
