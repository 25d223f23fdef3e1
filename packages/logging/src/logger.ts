import { trace } from '@opentelemetry/api';
import winston from 'winston';

import { redactSecrets } from './redact-secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Per-call context; every field becomes a JSON field of the line. */
export interface LogContext {
  readonly org?: string;
  readonly repo?: string;
  readonly jobId?: string;
  readonly [field: string]: unknown;
}

/**
 * The fleet's logger: one JSON object per line on stdout. A message is a constant sentence;
 * the variable parts go in `context` so they can be queried.
 */
export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger whose every line also carries `context` (e.g. one per job: org, repo, jobId). */
  child(context: LogContext): Logger;
}

export interface LoggerOptions {
  /** Service name, e.g. `scheduler`; on every line. */
  readonly service: string;
  /** Release version; on every line. */
  readonly version: string;
  readonly level: LogLevel;
  /** Where lines go; stdout unless a test captures them. */
  readonly stream?: NodeJS.WritableStream;
}

const redactFormat = winston.format((info) => redactSecrets(info));

/** Creates the root logger of a process. Secrets are redacted by key name on every line. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const root = winston.createLogger({
    level: options.level,
    defaultMeta: { service: options.service, version: options.version },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [transport],
  });
  return wrap(root);
}

function wrap(target: winston.Logger): Logger {
  return {
    debug: (message, context) => target.debug(message, withTraceIds(context)),
    info: (message, context) => target.info(message, withTraceIds(context)),
    warn: (message, context) => target.warn(message, withTraceIds(context)),
    error: (message, context) => target.error(message, withTraceIds(context)),
    child: (context) => wrap(target.child(context)),
  };
}

/**
 * Adds `traceId` and `spanId` of the span active at the call (read here, not in a winston
 * format, which may run later, outside the span), so the lines of a traced job can be
 * found from its trace and back. Nothing is added when tracing is off.
 */
function withTraceIds(context: LogContext | undefined): LogContext | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return context;
  const { traceId, spanId } = span.spanContext();
  return { ...context, traceId, spanId };
}
