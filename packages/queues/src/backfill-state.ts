/**
 * The backfill queue's shared state outside RabbitMQ, as a port: `@gse/store` implements it
 * on Redis (`createRedisBackfillState`), so every producer and worker of the fleet shares it,
 * and a service wires the two together. Payloads are encoded messages, opaque to the store.
 */
export interface BackfillStateStore {
  /**
   * Decides each entry atomically, in order: `deduped` if its dedup marker or one of its
   * covering windows' exists; else `held` for a `history` entry (marker set, the entry goes
   * to the org's history list, FIFO, for `releaseOverflow` to move when nothing else waits);
   * else `capped` if its org has used `maxEnqueuesPerOrgPerMinute` this minute or has
   * overflow (the entry goes to the org's overflow, FIFO, and its marker is set); else
   * `admitted` (counted against the cap, marker set, entry put in the outbox, due for a
   * sweep `claimAfterMs` from now). Held history never makes another entry wait.
   */
  admit(
    entries: readonly BackfillAdmissionEntry[],
    limits: BackfillLimits,
    nowMs: number,
  ): Promise<BackfillAdmission[]>;
  /**
   * Moves overflow into the outbox, oldest first, as far as each org's cap allows this
   * minute (counted against it), and returns what it moved: the caller publishes it. Then,
   * of each org whose overflow is empty, held history windows the same way, at most
   * `historyRoom` of them in all.
   */
  releaseOverflow(
    limits: BackfillLimits,
    nowMs: number,
    historyRoom: number,
  ): Promise<BackfillPending[]>;
  /**
   * Outbox entries due (published by nobody within `claimAfterMs`): claims up to `limit` of
   * them for this caller by pushing their due time `claimAfterMs` ahead, and returns them.
   */
  claimOutbox(limits: BackfillLimits, nowMs: number, limit: number): Promise<BackfillPending[]>;
  /** RabbitMQ confirmed these ids: off the outbox. */
  completeOutbox(ids: readonly string[]): Promise<void>;
  /** Publishing failed: due at once, so the next sweep tries again. */
  releaseOutbox(ids: readonly string[], nowMs: number): Promise<void>;
  /** Forgets dedup markers (the window was filled or dead-lettered), so a new miss enqueues again. */
  forgetDedup(digests: readonly string[]): Promise<void>;
  /**
   * Sets each dedup marker to its id unless one exists (`claimed`); an existing marker with
   * the same id is `ours` (a redelivery of what set it), another id's is `taken`.
   */
  claimDedup(
    claims: readonly { readonly digest: string; readonly id: string }[],
    ttlMs: number,
  ): Promise<('claimed' | 'ours' | 'taken')[]>;
  /** Messages waiting in Redis: admitted but unconfirmed, and over the cap. */
  pendingCounts(): Promise<{ readonly outbox: number; readonly overflow: number }>;
  /**
   * Applies queue moves to the per-queue age index (`id → entered at`) in one transaction:
   * removals first, then additions (an addition of an id already there moves its time).
   */
  recordQueueMoves(moves: readonly QueueMove[]): Promise<void>;
  /**
   * When the oldest id of `queue` entered it, among entries entered within
   * `[notBeforeMs, notAfterMs]`, after reconciling the index with the queue's `messages`
   * (its depth as RabbitMQ reports it): entries older than `notBeforeMs` are dropped (they
   * left by TTL), and so are the oldest entries in the range beyond `messages` (a purge, a
   * message moved or taken in the management UI: such a message leaves from the head, and
   * nothing of ours hears of it). `undefined` when none is left.
   */
  oldestInQueue(
    queue: string,
    range: {
      readonly notBeforeMs?: number;
      readonly notAfterMs: number;
      readonly messages: number;
    },
  ): Promise<number | undefined>;
  /** Drops the age index of a queue that no longer exists. */
  forgetQueueAges(queue: string): Promise<void>;
}

/** The `backfill.*` limits the state enforces. */
export interface BackfillLimits {
  /** `backfill.dedup_ttl`: how long an identical window is not enqueued again. */
  readonly dedupTtlMs: number;
  /** `backfill.max_enqueues_per_org_per_minute`. */
  readonly maxEnqueuesPerOrgPerMinute: number;
  /** How long an outbox entry belongs to the process that put it there before a sweep may publish it. */
  readonly claimAfterMs: number;
}

/** An encoded message waiting in Redis to be published. */
export interface BackfillPending {
  readonly id: string;
  readonly org: string;
  /** The encoded message (JSON). */
  readonly payload: string;
}

export interface BackfillAdmissionEntry extends BackfillPending {
  /** `toBackfillDedupDigest` of the window. */
  readonly dedupDigest: string;
  /** Digests of pending windows that would contain it (`toBackfillCoveringDigests`): deduped if one exists. */
  readonly coveringDigests?: readonly string[];
  /**
   * A history window (reason `history`, a new repo's read back to retention): held until
   * nothing else of its org waits, so outage windows never queue behind thousands of them.
   */
  readonly history?: boolean;
}

export type BackfillAdmission = 'admitted' | 'deduped' | 'capped' | 'held';

/**
 * One change to the queue-age index: `id` left `leave` and entered each of `enter`. A retry
 * enters its retry queue now and the main queue when its delay ends (an entry dated in the
 * future: not counted until then).
 */
export interface QueueMove {
  readonly id: string;
  readonly leave?: string;
  readonly enter?: readonly { readonly queue: string; readonly atMs: number }[];
}
