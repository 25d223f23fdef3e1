import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { withSpan } from '@gse/tracing';
import { startTracing, type TraceMode } from '@gse/tracing/sdk';

import type { BenchWorld } from './bench-world.js';
import { forEachConcurrently, scrapeCompletely } from './request-cost-scenario.js';

export interface TracingOverheadOptions {
  /** Quiet cycles per mode, run alternately (off, sampled, sampled, off, …) against drift. */
  readonly cyclesPerMode: number;
  readonly scrapeIntervalMs: number;
  readonly concurrency: number;
  readonly sampleRatio: number;
}

export interface TracingOverhead {
  readonly sampleRatio: number;
  /** Wall ms of each quiet cycle of all repos, per mode, in the order run. */
  readonly offMs: readonly number[];
  readonly sampledMs: readonly number[];
  /** OTLP export requests the collector stand-in received in `sampled` mode. */
  readonly exportRequests: number;
}

/**
 * What `otel_trace_mode: sampled` costs the scrape against `off`: quiet cycles of every repo,
 * each repo scrape in a span as the scraper-worker's repo job is, exporting over OTLP/HTTP
 * to a local stand-in of a collector that discards what it gets. The export's own flush at
 * shutdown is outside the measured time (it runs in the background in production).
 */
export async function measureTracingOverhead(
  world: BenchWorld,
  options: TracingOverheadOptions,
): Promise<TracingOverhead> {
  let exportRequests = 0;
  const collector = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exportRequests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  const offMs: number[] = [];
  const sampledMs: number[] = [];
  try {
    for (let index = 0; index < options.cyclesPerMode * 2; index++) {
      // off, sampled, sampled, off, off, sampled, …: each mode as often first as second.
      const mode: TraceMode = [0, 3].includes(index % 4) ? 'off' : 'sampled';
      world.nowMs += options.scrapeIntervalMs;
      const tracing = startTracing({
        serviceName: 'scrape-bench',
        serviceVersion: '0',
        enabled: true,
        mode,
        sampleRatio: options.sampleRatio,
        endpoint: `http://127.0.0.1:${port}`,
        protocol: 'http/protobuf',
        onExportProblem: (problem) => {
          process.stderr.write(`tracing overhead: export problem: ${problem}\n`);
        },
      });
      const startedAt = performance.now();
      await forEachConcurrently(world.repos, options.concurrency, (repo) =>
        withSpan('repo-scrapes job', { attributes: { 'gse.repo': repo } }, async () => {
          await scrapeCompletely(world, repo);
        }),
      );
      (mode === 'off' ? offMs : sampledMs).push(performance.now() - startedAt);
      await tracing.shutdown();
    }
  } finally {
    await new Promise<void>((resolve) =>
      collector.close(() => {
        resolve();
      }),
    );
  }
  return { sampleRatio: options.sampleRatio, offMs, sampledMs, exportRequests };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** The report's section on tracing overhead, Markdown. */
export function renderTracingOverhead(overhead: TracingOverhead, repoCount: number): string {
  const off = median(overhead.offMs);
  const sampled = median(overhead.sampledMs);
  const row = (name: string, values: readonly number[], ms: number): string =>
    `| ${name.padEnd(28)} | ${String(values.length).padStart(6)} | ${ms.toFixed(0).padStart(17)} | ${(ms / off).toFixed(3).padStart(14)} |`;
  return [
    `#### Tracing overhead: \`sampled\` at ${overhead.sampleRatio} against \`off\``,
    '',
    `Quiet cycles of all ${repoCount} repos, each repo scrape in a span like the scraper-worker's repo job, the two modes alternating; spans exported over OTLP/HTTP protobuf to a local stand-in collector (${overhead.exportRequests} export requests).`,
    '',
    '| mode                         | cycles | median wall ms    | ratio to off   |',
    '| ---------------------------- | -----: | ----------------: | -------------: |',
    row('off', overhead.offMs, off),
    row(`sampled (${overhead.sampleRatio})`, overhead.sampledMs, sampled),
    '',
  ].join('\n');
}
