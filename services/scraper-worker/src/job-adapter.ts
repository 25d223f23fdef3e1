import { type LogContext, type Logger, toErrorMessage } from '@gse/logging';
import { SpanKind, type TraceCarrier, withSpan } from '@gse/tracing';
import { DelayedError, UnrecoverableError, WaitingError, type Job, type Processor } from 'bullmq';

/** What a job handler gets besides its payload. */
export interface JobRun {
  /** Carries the queue, job id, attempt and the payload's ids. */
  readonly logger: Logger;
  /** Aborts when the worker hands its jobs back (shutdown past its drain deadline). */
  readonly signal: AbortSignal;
  /** A failure of this attempt is final: no retry follows. */
  readonly isLastAttempt: boolean;
}

/**
 * Thrown by a handler that cannot run yet for a reason that is no failure (its org's scrape
 * slots are all busy): the job goes back to the queue, delayed, without using an attempt.
 */
export class TryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TryLaterError';
  }
}

const FIRST_DEFERRAL_MS = 1000;
const LONGEST_DEFERRAL_MS = 60_000;

/**
 * How long a job that could not run waits before it is tried again: doubling with each time
 * it was started (1 s, 2 s, … up to 60 s), ±25 % jitter, so a busy org's many waiting jobs
 * do not spin the workers (each try is a few Redis calls) nor retry in lockstep.
 */
export function toDeferralDelayMs(timesStarted: number, random: number): number {
  const doublings = Math.max(0, Math.min(timesStarted - 1, 16));
  const baseMs = Math.min(FIRST_DEFERRAL_MS * 2 ** doublings, LONGEST_DEFERRAL_MS);
  return Math.round(baseMs * (0.75 + random / 2));
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
  /** After a {@link TryLaterError} put the job back, delayed: who may wake it earlier. */
  readonly onDeferred: (payload: T, jobId: string) => Promise<void>;
}

/**
 * The BullMQ side of a job handler: decodes the payload, gives it a child logger and the
 * hand-back signal, and maps the outcome. A job interrupted by the hand-back goes back to
 * the queue without using an attempt, and so does one that must try later (delayed by
 * {@link toDeferralDelayMs}); anything else thrown is BullMQ's to retry (or, as an
 * `UnrecoverableError`, to fail at once).
 */
export function toJobProcessor<T extends { readonly trace?: TraceCarrier }, R>(
  options: JobAdapterOptions<T, R>,
): Processor<unknown, R> {
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
    const ids = options.logContext(payload);
    // The job's span continues the trace of whoever added it; a deferral or a hand-back ends
    // it without an error.
    return withSpan(
      `${job.queueName} job`,
      {
        kind: SpanKind.CONSUMER,
        parent: payload.trace,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queueName,
          'messaging.message.id': job.id ?? '',
          'gse.job.attempt': attempt,
          ...(ids.org === undefined ? {} : { 'gse.org': ids.org }),
          ...(ids.repo === undefined ? {} : { 'gse.repo': ids.repo }),
        },
        isFailure: (error) => !(error instanceof DelayedError || error instanceof WaitingError),
      },
      async () => {
        const logger = jobLogger.child(ids);
        try {
          return await options.handle(payload, {
            logger,
            signal: options.signal,
            isLastAttempt: attempt >= (job.opts.attempts ?? 1),
          });
        } catch (error) {
          if (error instanceof TryLaterError && token !== undefined && job.id !== undefined) {
            const delayMs = toDeferralDelayMs(job.attemptsStarted, Math.random());
            await job.moveToDelayed(Date.now() + delayMs, token);
            await options.onDeferred(payload, job.id);
            logger.debug('job deferred', { reason: error.message, delayMs });
            throw new DelayedError();
          }
          if (!options.signal.aborted || token === undefined) throw error;
          // Whatever it wrote is idempotent: the next worker redoes the job from the start.
          await job.moveToWait(token);
          logger.info('job handed back to the queue');
          throw new WaitingError();
        }
      },
    );
  };
}

function toMessage(error: unknown): string {
  return toErrorMessage(error);
}
