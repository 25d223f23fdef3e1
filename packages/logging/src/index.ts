export {
  createLogger,
  type LogContext,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger.js';
export { REDACTED, redactSecrets } from './redact-secrets.js';
export { toErrorMessage, toLoggedError } from './error-text.js';
