import { describe, expect, it } from 'vitest';

import { decodeTraceCarrier } from './trace-carrier.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('decodeTraceCarrier', () => {
  it('keeps a W3C traceparent and a printable tracestate', () => {
    expect(decodeTraceCarrier({ traceparent: TRACEPARENT, tracestate: 'vendor=1' })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'vendor=1',
    });
    expect(decodeTraceCarrier({ traceparent: TRACEPARENT, tracestate: 7 })).toEqual({
      traceparent: TRACEPARENT,
    });
  });

  it('drops anything else without throwing: a trace never fails the job that carries it', () => {
    for (const value of [undefined, null, 'x', [], { traceparent: 'ff-00' }, { traceparent: 1 }]) {
      expect(decodeTraceCarrier(value)).toBeUndefined();
    }
  });
});
