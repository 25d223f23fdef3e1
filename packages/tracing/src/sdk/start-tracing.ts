import { randomUUID } from 'node:crypto';

import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  ProxyTracerProvider,
  trace,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

import { DETAIL_TRACER_NAME } from '../with-span.js';
import { createLocalTraceKeeper } from './local-trace-keeper.js';

/** `telemetry.otel_trace_mode`. */
export type TraceMode = 'off' | 'sampled' | 'errors' | 'detailed';
/** `telemetry.otel_exporter_otlp_protocol`: OTLP's own names for them. */
export type OtlpProtocol = 'http/protobuf' | 'grpc';

export interface TracingOptions {
  /** `service.name`, e.g. `scraper-worker`. */
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** `service.instance.id`; a random UUID unless given. */
  readonly instanceId?: string;
  /** `telemetry.otel_enabled`: false records nothing, whatever the mode. */
  readonly enabled: boolean;
  readonly mode: TraceMode;
  /** Share of traces kept by `sampled`, and of error-free traces by `errors`/`detailed`, 0–1. */
  readonly sampleRatio: number;
  /**
   * The collector: for `http/protobuf` its base URL (`http://collector:4318`, `/v1/traces`
   * added unless a path is given), for `grpc` its address (`http://collector:4317`).
   */
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  /** Where the exporter's own problems go (a collector that does not answer). */
  readonly onExportProblem: (message: string) => void;
}

/** The running tracing of one process. */
export interface Tracing {
  /** False when tracing is off: nothing was registered. */
  readonly recording: boolean;
  readonly instanceId: string;
  /** Ends tracing: exports every buffered span, then unregisters. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts the process's tracing and registers it with the OpenTelemetry API, which every
 * package's `withSpan` uses: an async-local context, W3C trace context propagation, and a
 * tracer provider by mode —
 * - `off` (or `enabled: false`): nothing registered, spans are the API's no-ops;
 * - `sampled`: the root's trace id decides (ratio), children follow their parent, so every
 *   process keeps or drops the same traces;
 * - `errors`: every span recorded, each local trace kept when it has an error, else by the
 *   same ratio on its trace id ({@link createLocalTraceKeeper});
 * - `detailed`: `errors`, plus the spans of each Redis call and AMQP operation.
 */
export function startTracing(options: TracingOptions): Tracing {
  const instanceId = options.instanceId ?? randomUUID();
  if (!options.enabled || options.mode === 'off') {
    return { recording: false, instanceId, shutdown: () => Promise.resolve() };
  }
  diag.setLogger(
    {
      error: (message) => {
        options.onExportProblem(message);
      },
      warn: (message) => {
        options.onExportProblem(message);
      },
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const exporter = toExporter(options);
  const batch = new BatchSpanProcessor({ exporter });
  const ratio = new TraceIdRatioBasedSampler(options.sampleRatio);
  const sampled = options.mode === 'sampled';
  const sampler: Sampler = sampled
    ? new ParentBasedSampler({ root: ratio })
    : new AlwaysOnSampler();
  const processor: SpanProcessor = sampled
    ? batch
    : createLocalTraceKeeper({
        next: batch,
        keepWithoutError: (traceId) =>
          ratio.shouldSample(context.active(), traceId).decision ===
          SamplingDecision.RECORD_AND_SAMPLED,
      });
  const provider = new TracerProvider({
    sampler,
    spanProcessors: [processor],
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      // Incubating in the semantic conventions (no stable constant yet).
      'service.instance.id': instanceId,
    }),
  });
  const byMode = withDetailSpans(provider, options.mode === 'detailed');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(byMode);
  let stopping: Promise<void> | undefined;
  return {
    recording: true,
    instanceId,
    shutdown() {
      stopping ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      });
      return stopping;
    },
  };
}

/**
 * `provider`, except that the detail scope ({@link DETAIL_TRACER_NAME}) gets a no-op tracer
 * unless `detailed`: its spans then cost a context lookup and are never recorded.
 */
export function withDetailSpans(provider: ApiTracerProvider, detailed: boolean): ApiTracerProvider {
  const noop = new ProxyTracerProvider();
  return {
    getTracer: (name, version, tracerOptions) =>
      name === DETAIL_TRACER_NAME && !detailed
        ? noop.getTracer(name)
        : provider.getTracer(name, version, tracerOptions),
  };
}

function toExporter(options: TracingOptions): SpanExporter {
  if (options.protocol === 'grpc') return new GrpcTraceExporter({ url: options.endpoint });
  return new ProtobufTraceExporter({ url: toTracesUrl(options.endpoint) });
}

/** `http://collector:4318` → `http://collector:4318/v1/traces`; a URL with a path is kept. */
export function toTracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}
