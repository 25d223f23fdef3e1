import { type Context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Says, once a local trace ended without an error, whether to keep it (e.g. a ratio on its trace id). */
export type KeepWithoutError = (traceId: string) => boolean;

export interface LocalTraceKeeperOptions {
  /** Where kept spans go (a batch processor in front of the exporter). */
  readonly next: SpanProcessor;
  readonly keepWithoutError: KeepWithoutError;
  /** Spans buffered per local trace besides its root; later ones are dropped. Default 4096. */
  readonly maxSpansPerTrace?: number;
  /** Local traces buffered at once; the oldest is dropped beyond it. Default 2000. */
  readonly maxOpenTraces?: number;
}

interface OpenTrace {
  readonly spans: ReadableSpan[];
  hasError: boolean;
}

const DEFAULT_MAX_SPANS_PER_TRACE = 4096;
const DEFAULT_MAX_OPEN_TRACES = 2000;
// Decisions remembered for spans that end after their local root (work not awaited by it).
const DECIDED_ROOTS_KEPT = 10_000;

/**
 * The tail decision of `otel_trace_mode: errors`: buffers the spans of each *local trace*
 * (a span whose parent is remote or absent — a job, a message, a scheduled cycle — and the
 * spans under it in this process) until that local root ends, then passes them all on when
 * any of them is an error, or when `keepWithoutError` says so; otherwise drops them.
 *
 * Its limit across processes: each process decides on its own part. A ratio decision made on
 * the trace id is the same everywhere, so sampled traces arrive whole; an error keeps only
 * the parts of the processes that saw it (and any part kept by the ratio). See
 * docs/decisions/0014-tracing.md.
 */
export function createLocalTraceKeeper(options: LocalTraceKeeperOptions): SpanProcessor {
  const maxSpans = options.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE;
  const maxOpen = options.maxOpenTraces ?? DEFAULT_MAX_OPEN_TRACES;
  /** Span id → its local root's span id, while the span runs. */
  const rootOf = new Map<string, string>();
  /** Local root span id → the spans that ended under it so far. */
  const open = new Map<string, OpenTrace>();
  const decided = new Map<string, boolean>();

  function remember(rootId: string, kept: boolean): void {
    decided.set(rootId, kept);
    if (decided.size > DECIDED_ROOTS_KEPT) {
      const oldest = decided.keys().next();
      if (oldest.done !== true) decided.delete(oldest.value);
    }
  }

  function pass(spans: readonly ReadableSpan[]): void {
    for (const span of spans) options.next.onEnd(span);
  }

  return {
    onStart(span: Span, parentContext: Context): void {
      const parent = trace.getSpanContext(parentContext);
      const parentRoot = parent && parent.isRemote !== true ? rootOf.get(parent.spanId) : undefined;
      const { spanId } = span.spanContext();
      const rootId = parentRoot ?? spanId;
      rootOf.set(spanId, rootId);
      if (rootId === spanId) {
        open.set(spanId, { spans: [], hasError: false });
        if (open.size > maxOpen) {
          const oldest = open.keys().next();
          if (oldest.done !== true) open.delete(oldest.value);
        }
      }
      options.next.onStart(span, parentContext);
    },
    onEnd(span: ReadableSpan): void {
      const { spanId, traceId } = span.spanContext();
      const rootId = rootOf.get(spanId) ?? spanId;
      rootOf.delete(spanId);
      const isError = span.status.code === SpanStatusCode.ERROR;
      const local = open.get(rootId);
      if (!local) {
        // Its root was decided (or evicted) already: follow that decision, or an error's.
        const kept = decided.get(rootId) ?? options.keepWithoutError(traceId);
        if (kept || isError) pass([span]);
        return;
      }
      // The root is always kept: the trace's own summary survives the cap.
      if (local.spans.length < maxSpans || rootId === spanId) local.spans.push(span);
      local.hasError ||= isError;
      if (rootId !== spanId) return;
      open.delete(rootId);
      const kept = local.hasError || options.keepWithoutError(traceId);
      remember(rootId, kept);
      if (kept) pass(local.spans);
    },
    forceFlush: () => options.next.forceFlush(),
    shutdown: () => options.next.shutdown(),
  };
}
