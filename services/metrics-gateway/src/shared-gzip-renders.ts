import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';

import type { ExpositionFormat } from '@gse/telemetry';

import type { MetricsSnapshot } from './metrics-snapshot.js';
import { toTextChunkStream } from './text-chunk-stream.js';

/** A gzipped body being produced (or produced) once, read by any number of scrapes. */
interface CompressedBody {
  readonly chunks: Buffer[];
  finished: boolean;
  error: Error | undefined;
  readonly listeners: Set<() => void>;
}

/**
 * One gzipped render per snapshot and format, shared by every scrape that asks for it:
 * the first scrape starts it, later ones (concurrent or not) read the same compressed chunks
 * from the start at their own pace. Prometheus always asks for gzip, so within
 * `store.metric_refresh_interval` a second scrape (another Prometheus of an HA pair, a
 * retry) costs a copy of ~50 MB at 1M series instead of rendering ~600 MB again. Only the
 * compressed body is kept, and only for the current snapshot.
 */
export interface SharedGzipRenders {
  /**
   * A readable of the gzipped body of `snapshot` in `format`; `render` produces its text the
   * first time this snapshot and format are asked for, and `onRender` is told.
   */
  open(
    format: ExpositionFormat,
    snapshot: MetricsSnapshot,
    render: () => Iterator<string, unknown, undefined>,
  ): Readable;
}

export function createSharedGzipRenders(options: {
  readonly onRender: (format: ExpositionFormat) => void;
}): SharedGzipRenders {
  const bodies = new Map<ExpositionFormat, { snapshot: MetricsSnapshot; body: CompressedBody }>();
  return {
    open(format, snapshot, render) {
      for (const [key, entry] of bodies) {
        if (entry.snapshot !== snapshot) bodies.delete(key);
      }
      let entry = bodies.get(format);
      if (entry?.body.error !== undefined) entry = undefined;
      if (!entry) {
        entry = { snapshot, body: produce(render) };
        bodies.set(format, entry);
        options.onRender(format);
      }
      return readerOf(entry.body);
    },
  };
}

function produce(render: () => Iterator<string, unknown, undefined>): CompressedBody {
  const body: CompressedBody = {
    chunks: [],
    finished: false,
    error: undefined,
    listeners: new Set(),
  };
  const notify = (): void => {
    for (const listener of [...body.listeners]) listener();
  };
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      body.chunks.push(chunk);
      notify();
      done();
    },
  });
  // Level 1: the body is highly repetitive, so the fastest level already shrinks it ~12×
  // (614 MB → 49 MB at 1M series) at a fraction of the default level's CPU.
  pipeline(
    toTextChunkStream(render()),
    createGzip({ level: constants.Z_BEST_SPEED }),
    collect,
  ).then(
    () => {
      body.finished = true;
      notify();
    },
    (error: unknown) => {
      body.error = error instanceof Error ? error : new Error(String(error));
      notify();
    },
  );
  return body;
}

/** Streams `body` from its first chunk, waiting for chunks still being produced. */
function readerOf(body: CompressedBody): Readable {
  let next = 0;
  const pump = (): void => {
    body.listeners.delete(pump);
    for (;;) {
      const chunk = body.chunks[next];
      if (chunk === undefined) break;
      next++;
      if (!stream.push(chunk)) return;
    }
    if (body.error) stream.destroy(body.error);
    else if (body.finished) stream.push(null);
    else body.listeners.add(pump);
  };
  const stream = new Readable({
    read: pump,
    destroy(error, done) {
      body.listeners.delete(pump);
      done(error);
    },
  });
  return stream;
}
