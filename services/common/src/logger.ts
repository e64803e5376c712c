import { pino, type Logger } from 'pino';

export type TLogger = Logger;

/** Secrets never reach logs: these paths are replaced wherever they appear. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.apiSecret',
  '*.secretKey',
  '*.client_secret',
];

export const createLogger = (name: string, level: string): TLogger =>
  pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
