/** The product's logger: pino, JSON lines on stderr (stdout stays free for CLI output). */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/env.js';

export type { Logger };

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
