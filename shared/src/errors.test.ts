import { describe, expect, it } from 'vitest';
import { AppError, ERRORS, isErrorCode } from './errors.ts';

describe('AppError', () => {
  it('carries the code, its status and a readable message on the wire', () => {
    const error = new AppError('SOLD_OUT');
    expect(error.status).toBe(409);
    expect(error.toBody()).toEqual({ code: 'SOLD_OUT', message: 'Sold out.' });
    expect(new AppError('INVALID_INPUT', 'title: too short').toBody().message).toBe('title: too short');
  });

  it('knows exactly its codes', () => {
    expect(isErrorCode('RATE_LIMITED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('__proto__')).toBe(false);
    for (const { status, message } of Object.values(ERRORS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(message).toMatch(/\.$/);
    }
  });
});
