import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';

import { createLocalTraceKeeper } from './local-trace-keeper.js';

function setUp(keepWithoutError: (traceId: string) => boolean) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      createLocalTraceKeeper({
        next: new SimpleSpanProcessor({ exporter }),
        keepWithoutError,
        maxSpansPerTrace: 2,
      }),
    ],
  });
  const tracer = provider.getTracer('test');
  const names = () => exporter.getFinishedSpans().map((span) => span.name);
  return { tracer, names };
}

describe('createLocalTraceKeeper', () => {
  it('drops an error-free local trace the ratio does not keep, and passes one it keeps once its root ends', () => {
    const keep = new Set<string>();
    const { tracer, names } = setUp((traceId) => keep.has(traceId));
    const dropped = tracer.startSpan('dropped root', {}, ROOT_CONTEXT);
    tracer.startSpan('dropped child', {}, trace.setSpan(ROOT_CONTEXT, dropped)).end();
    dropped.end();
    const kept = tracer.startSpan('kept root', {}, ROOT_CONTEXT);
    keep.add(kept.spanContext().traceId);
    tracer.startSpan('kept child', {}, trace.setSpan(ROOT_CONTEXT, kept)).end();
    expect(names()).toEqual([]);
    kept.end();
    expect(names()).toEqual(['kept child', 'kept root']);
  });

  it('keeps every span of a local trace with an error anywhere in it, up to the cap per trace', () => {
    const { tracer, names } = setUp(() => false);
    const root = tracer.startSpan('root', {}, ROOT_CONTEXT);
    const inRoot = trace.setSpan(ROOT_CONTEXT, root);
    const child = tracer.startSpan('child', {}, inRoot);
    tracer.startSpan('grandchild', {}, trace.setSpan(inRoot, child)).end();
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'GitHub answered 502' });
    child.end();
    tracer.startSpan('over the cap', {}, inRoot).end();
    root.end();
    expect(names()).toEqual(['grandchild', 'child', 'root']);
  });

  it('decides each local root of one trace on its own: a job whose parent is remote', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const { tracer, names } = setUp(() => false);
      const remote = propagation.extract(ROOT_CONTEXT, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const ok = tracer.startSpan('ok job', {}, remote);
      const failed = tracer.startSpan('failed job', {}, remote);
      failed.setStatus({ code: SpanStatusCode.ERROR });
      ok.end();
      failed.end();
      expect(names()).toEqual(['failed job']);
      // A span that ends after its root follows the root's decision, unless it is an error.
      const late = tracer.startSpan('late', {}, trace.setSpan(context.active(), ok));
      late.end();
      expect(names()).toEqual(['failed job']);
    } finally {
      propagation.disable();
    }
  });
});
