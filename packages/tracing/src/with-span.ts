import {
  context,
  INVALID_SPAN_CONTEXT,
  type Attributes,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

import { toParentContext, toSpanLink, type TraceCarrier } from './trace-carrier.js';

/** The instrumentation scope of the fleet's own spans. */
export const TRACER_NAME = '@gse/fleet';
/**
 * The scope of the spans only `otel_trace_mode: detailed` records (each Redis call and AMQP
 * operation): the SDK hands out a no-op tracer for it in every other mode, so they cost
 * nearly nothing there.
 */
export const DETAIL_TRACER_NAME = '@gse/fleet/detail';

export interface SpanOptions {
  readonly attributes?: Attributes;
  readonly kind?: SpanKind;
  /**
   * Parent the span on this remote context (a job's or message's carrier) instead of the
   * active span; a span with neither starts a trace.
   */
  readonly parent?: TraceCarrier;
  /** Spans this one follows from without being their child (fan-in, e.g. one publish of many). */
  readonly links?: readonly TraceCarrier[];
  /** Only recorded in `detailed` mode. */
  readonly detail?: boolean;
  /**
   * Whether a throw is a failure of the span's work; default every throw. Control flow that
   * throws (a job deferred or handed back) is none, so `errors` mode does not keep it.
   */
  readonly isFailure?: (error: unknown) => boolean;
}

/**
 * Runs `work` inside a new active span and ends it when `work` settles. A throw (unless
 * `isFailure` says otherwise) marks the span an error (the exception's type and message recorded) and is rethrown untouched. With
 * tracing off the OpenTelemetry API hands out non-recording spans: a few allocations.
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(options.detail === true ? DETAIL_TRACER_NAME : TRACER_NAME);
  const parent = options.parent ? toParentContext(options.parent) : context.active();
  const links = (options.links ?? [])
    .map(toSpanLink)
    .filter((link): link is Link => link !== undefined);
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(links.length > 0 ? { links } : {}),
    },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        if (options.isFailure?.(error) ?? true) markSpanFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks a span an error: status, and the exception as an event. */
export function markSpanFailed(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

/** The active span (a non-recording one when there is none), to add attributes to. */
export function activeSpan(): Span {
  return trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}

export { SpanKind, SpanStatusCode, type Span, type Attributes };
