import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** One JSON logger per process; `service` tells api, worker and tools apart in shared log streams. */
export function createLogger(service: string, level: LoggerOptions['level'] = 'info'): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['req.headers["x-api-key"]', 'req.headers.authorization', '*.apiKey', '*.secret'],
      censor: '[redacted]',
    },
  });
}
