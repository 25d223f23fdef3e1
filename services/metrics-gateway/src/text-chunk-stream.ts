import { Readable } from 'node:stream';

/**
 * A readable that pulls text chunks from `chunks` only as fast as the consumer reads
 * (backpressure), so a lazy render runs no further ahead than two chunks. A render that
 * throws destroys the stream with its error (Node 20's `Readable.from` lets an exception of
 * a sync iterator escape as an uncaught exception instead); a consumer that goes away stops
 * the render.
 */
export function toTextChunkStream(chunks: Iterator<string, unknown, undefined>): Readable {
  return new Readable({
    objectMode: true,
    highWaterMark: 2,
    read() {
      try {
        for (;;) {
          const next = chunks.next();
          if (next.done === true) {
            this.push(null);
            return;
          }
          if (!this.push(next.value)) return;
        }
      } catch (error) {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    },
    destroy(error, done) {
      chunks.return?.(undefined);
      done(error);
    },
  });
}
