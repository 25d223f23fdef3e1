import { PassThrough } from 'node:stream';

import { createLogger, type Logger, type LogLevel } from '@gse/logging';

/** One parsed JSON log line. */
export type LogLine = Readonly<Record<string, unknown>>;

/** A real logger whose lines a test can read back. */
export interface CapturedLogger {
  readonly logger: Logger;
  readonly stream: NodeJS.WritableStream;
  /** Every line written so far, parsed. */
  readonly lines: () => LogLine[];
  /** The `message` of every line so far, in order. */
  readonly messages: () => string[];
}

/** Creates a {@link CapturedLogger} (level `debug` unless given). */
export function createCapturedLogger(level: LogLevel = 'debug'): CapturedLogger {
  const stream = new PassThrough();
  const collected = createLineCollector();
  stream.on('data', (chunk: Buffer) => {
    collected.push(chunk.toString('utf8'));
  });
  return {
    logger: createLogger({ service: 'test', version: '0.0.0', level, stream }),
    stream,
    lines: collected.lines,
    messages: () => collected.lines().map((line) => String(line['message'])),
  };
}

/** Collects JSON log lines from chunks of output. */
export interface LineCollector {
  readonly push: (text: string) => void;
  /** Every complete line so far, parsed. */
  readonly lines: () => LogLine[];
}

/** Splits chunks of JSON lines; a line split across chunks is kept until it is whole. */
export function createLineCollector(): LineCollector {
  const complete: LogLine[] = [];
  let partial = '';
  return {
    push(text) {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) {
        if (part.trim().length > 0) complete.push(parseLine(part));
      }
    },
    lines: () => [...complete],
  };
}

function parseLine(text: string): LogLine {
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    // Output that is not a log line (a crash trace) is kept verbatim so a test can show it.
    return { message: text, unparsed: true };
  }
}
