import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Structured JSON logs; secrets and passwords are redacted wherever they appear. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'custodian' },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'headers.authorization', 'jwtSecret'], censor: '[redacted]' },
  });
}
