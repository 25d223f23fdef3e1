import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import protobuf from 'protobufjs';

/**
 * The part of OTLP's `ExportTraceServiceRequest` a test reads (opentelemetry-proto v1,
 * `collector/trace/v1/trace_service.proto` and the messages it uses). Field numbers are the
 * protocol's; fields left out are skipped by the decoder, as protobuf allows.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { Scope scope = 1; repeated Span spans = 2; }
message Scope { string name = 1; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  repeated Link links = 13;
  Status status = 15;
}
message Event { string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; repeated KeyValue attributes = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
`;

const requestType = protobuf
  .parse(OTLP_TRACE_PROTO, { keepCase: false })
  .root.lookupType('otlp.ExportTraceServiceRequest');

/** OTLP's `STATUS_CODE_ERROR`. */
export const STATUS_ERROR = 2;

/** One received span, flattened with its process's resource. */
export interface ReceivedSpan {
  readonly service: string;
  readonly resource: Readonly<Record<string, string>>;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  /** `''` for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly statusCode: number;
  /** Every attribute value of the span's events (an exception's message and stack). */
  readonly eventValues: readonly string[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

/** An in-test OTLP/HTTP collector: takes `POST /v1/traces` in protobuf, keeps every span. */
export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:43123`: what `otel_exporter_otlp_endpoint` names. */
  readonly url: string;
  spans(): readonly ReceivedSpan[];
  /** Content types of the requests, e.g. `application/x-protobuf`. */
  contentTypes(): readonly string[];
  close(): Promise<void>;
}

interface DecodedValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: DecodedValue[] };
}
interface DecodedKeyValue {
  key: string;
  value?: DecodedValue;
}
interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes?: DecodedKeyValue[];
  events?: { attributes?: DecodedKeyValue[] }[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}
interface DecodedRequest {
  resourceSpans?: {
    resource?: { attributes?: DecodedKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: DecodedSpan[] }[];
  }[];
}

function toText(value: DecodedValue | undefined): string {
  if (value === undefined) return '';
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(toText).join(',');
  return String(value.stringValue ?? value.boolValue ?? value.intValue ?? value.doubleValue ?? '');
}

function toRecord(attributes: readonly DecodedKeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, toText(value)]));
}

/** Decodes one export request's body into flat spans. */
export function decodeTraceRequest(body: Buffer): ReceivedSpan[] {
  const request = requestType.toObject(requestType.decode(body), {
    bytes: String,
    longs: String,
    defaults: true,
  }) as DecodedRequest;
  const hex = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = toRecord(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span): ReceivedSpan => ({
        service: resource['service.name'] ?? '',
        resource,
        scope: scopeSpans.scope?.name ?? '',
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        attributes: toRecord(span.attributes),
        statusCode: span.status?.code ?? 0,
        eventValues: (span.events ?? []).flatMap((event) =>
          Object.values(toRecord(event.attributes)),
        ),
        links: (span.links ?? []).map((link) => ({
          traceId: hex(link.traceId),
          spanId: hex(link.spanId),
        })),
      })),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** Starts a receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    contentTypes.push(request.headers['content-type'] ?? '');
    readBody(request).then(
      (body) => {
        received.push(...decodeTraceRequest(body));
        // An empty ExportTraceServiceResponse: everything accepted.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      },
      (error: unknown) => {
        response.writeHead(400).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    contentTypes: () => [...contentTypes],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
