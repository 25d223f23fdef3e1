import { context, propagation, type Context, type Link, trace } from '@opentelemetry/api';

/**
 * A span's W3C trace context as it travels in a BullMQ job's data, a Redis outbox record and
 * an AMQP message's headers: `traceparent` (and `tracestate` when a vendor set one).
 */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

// https://www.w3.org/TR/trace-context/#traceparent-header-field-values (version 00).
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
// Printable ASCII, bounded: the list is at most 32 members of at most 256 characters each.
const TRACESTATE = /^[\x20-\x7e]{1,8192}$/;

/**
 * The active span's context as a carrier, or `undefined` when no span is active (tracing
 * off, or code outside any span), so nothing is written to a job or message then.
 */
export function toTraceCarrier(from: Context = context.active()): TraceCarrier | undefined {
  if (!trace.getSpan(from)?.spanContext()) return undefined;
  const fields: Record<string, string> = {};
  propagation.inject(from, fields);
  const traceparent = fields['traceparent'];
  if (traceparent === undefined) return undefined;
  const tracestate = fields['tracestate'];
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/**
 * Checks a carrier read back from Redis or an AMQP header (written by any version of the
 * fleet, or by hand): a malformed one is dropped, never an error, because a trace is
 * optional and must not fail the job that carries it.
 */
export function decodeTraceCarrier(value: unknown): TraceCarrier | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { traceparent, tracestate } = value as Record<string, unknown>;
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined;
  return typeof tracestate === 'string' && TRACESTATE.test(tracestate)
    ? { traceparent, tracestate }
    : { traceparent };
}

/** The remote context a carrier names, to parent a span on. */
export function toParentContext(carrier: TraceCarrier): Context {
  return propagation.extract(context.active(), carrier);
}

/** A link to the span a carrier names (fan-in: one span caused by several). */
export function toSpanLink(carrier: TraceCarrier): Link | undefined {
  const spanContext = trace.getSpanContext(toParentContext(carrier));
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { context: spanContext };
}
