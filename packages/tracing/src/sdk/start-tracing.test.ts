import { TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';

import { DETAIL_TRACER_NAME, TRACER_NAME } from '../with-span.js';
import { toTracesUrl, withDetailSpans } from './start-tracing.js';

describe('toTracesUrl', () => {
  it("adds OTLP/HTTP's /v1/traces to a bare collector address and keeps a given path", () => {
    expect(toTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(toTracesUrl('https://otel.example/custom/traces')).toBe(
      'https://otel.example/custom/traces',
    );
  });
});

describe('withDetailSpans', () => {
  it('records the detail scope only in detailed mode, the fleet scope always', () => {
    const provider = new TracerProvider();
    const recorded = (detailed: boolean, scope: string): boolean => {
      const span = withDetailSpans(provider, detailed).getTracer(scope).startSpan('redis HMGET');
      const recording = span.isRecording();
      span.end();
      return recording;
    };
    expect(recorded(false, DETAIL_TRACER_NAME)).toBe(false);
    expect(recorded(true, DETAIL_TRACER_NAME)).toBe(true);
    expect(recorded(false, TRACER_NAME)).toBe(true);
  });
});
