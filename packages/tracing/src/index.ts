export {
  decodeTraceCarrier,
  toParentContext,
  toSpanLink,
  toTraceCarrier,
  type TraceCarrier,
} from './trace-carrier.js';
export {
  activeSpan,
  DETAIL_TRACER_NAME,
  markSpanFailed,
  SpanKind,
  SpanStatusCode,
  TRACER_NAME,
  withSpan,
  type Attributes,
  type Span,
  type SpanOptions,
} from './with-span.js';
