import type { LogContext, Logger } from '@gse/logging';
import { UnrecoverableError, WaitingError, type Job, type Processor } from 'bullmq';

/** What a job handler gets besides its payload. */
export interface JobRun {
  /** Carries the queue, job id, attempt and the payload's ids. */
  readonly logger: Logger;
  /** Aborts when the worker hands its jobs back (shutdown past its drain deadline). */
  readonly signal: AbortSignal;
  /** A failure of this attempt is final: no retry follows. */
  readonly isLastAttempt: boolean;
}

export interface JobAdapterOptions<T, R> {
  /** Checks the job's data; a job that fails it can never succeed and is not retried. */
  readonly decode: (data: unknown) => T;
  readonly handle: (payload: T, run: JobRun) => Promise<R>;
  /** The payload's ids for every log line of the job. */
  readonly logContext: (payload: T) => LogContext;
  readonly logger: Logger;
  /** The worker's hand-back signal. */
  readonly signal: AbortSignal;
}

/**
 * The BullMQ side of a job handler: decodes the payload, gives it a child logger and the
 * hand-back signal, and maps the outcome. A job interrupted by the hand-back goes back to
 * the queue without using an attempt; anything else thrown is BullMQ's to retry (or, as an
 * `UnrecoverableError`, to fail at once).
 */
export function toJobProcessor<T, R>(options: JobAdapterOptions<T, R>): Processor<unknown, R> {
  return async (job: Job<unknown, R>, token?: string) => {
    const attempt = job.attemptsMade + 1;
    const jobLogger = options.logger.child({ queue: job.queueName, jobId: job.id, attempt });
    let payload: T;
    try {
      payload = options.decode(job.data);
    } catch (error) {
      jobLogger.error('job payload rejected', { error: toMessage(error) });
      throw new UnrecoverableError(`job payload rejected: ${toMessage(error)}`);
    }
    const logger = jobLogger.child(options.logContext(payload));
    try {
      return await options.handle(payload, {
        logger,
        signal: options.signal,
        isLastAttempt: attempt >= (job.opts.attempts ?? 1),
      });
    } catch (error) {
      if (!options.signal.aborted || token === undefined) throw error;
      // Whatever it wrote is idempotent: the next worker redoes the job from the start.
      await job.moveToWait(token);
      logger.info('job handed back to the queue');
      throw new WaitingError();
    }
  };
}

function toMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
