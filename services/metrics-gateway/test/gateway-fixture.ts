import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';

import type { ListenAddress } from '@gse/lifecycle';
import { type CapturedLogger, createCapturedLogger, waitFor } from '@gse/testing';

import { createMetricsGateway } from '../src/app.js';
import { writeGatewayConfig, type GatewayFixtureOptions } from './gateway-config-file.js';

export type { GatewayFixtureOptions } from './gateway-config-file.js';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent (still gzipped when the server compressed it). */
  readonly raw: Buffer;
  /** The body as text, decompressed when it came gzipped. */
  readonly body: string;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTPS, trusting this CA certificate (PEM). */
  readonly ca?: string;
}

/** A metrics gateway running in this process against a real Redis. */
export interface RunningGateway {
  readonly publicAddress: ListenAddress;
  readonly probeAddress: ListenAddress;
  readonly logs: CapturedLogger;
  /** GET on the admin listener (`adminYaml`); throws when it is off. */
  getAdmin(path: string, options?: RequestOptions): Promise<Reply>;
  get(path: string, options?: RequestOptions): Promise<Reply>;
  /** GET on the probe server (the gateway's own process metrics). */
  getProbe(path: string): Promise<Reply>;
  stop(): Promise<void>;
}

/** The `Accept` header Prometheus 2.42 sends. */
export const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Writes a fleet config for the gateway and starts it; every server on a free port. */
export async function startGateway(options: GatewayFixtureOptions): Promise<RunningGateway> {
  const file = await writeGatewayConfig(options);
  const { config } = file;
  const logs = createCapturedLogger('info');
  const service = createMetricsGateway({ config, logger: logs.logger }, options.options);
  try {
    await service.start();
  } catch (error) {
    await file.remove();
    throw error;
  }
  const addressOf = (server: string): ListenAddress => {
    const line = logs
      .lines()
      .filter((entry) => entry['message'] === 'http server listening' && entry['server'] === server)
      .at(-1);
    if (!line) throw new Error(`the ${server} server did not log its address`);
    return { host: String(line['host']), port: Number(line['port']) };
  };
  const publicAddress = addressOf('public');
  const probeAddress = addressOf('probe');
  return {
    publicAddress,
    probeAddress,
    logs,
    get: (path, requestOptions) => request(publicAddress, path, requestOptions),
    getProbe: (path) => request(probeAddress, path),
    getAdmin: async (path, requestOptions) => request(addressOf('admin'), path, requestOptions),
    stop: async () => {
      try {
        await service.stop();
      } finally {
        await file.remove();
      }
    },
  };
}

/** One GET over a fresh connection, closed before this resolves (no socket lingers). */
export function request(
  address: ListenAddress,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const send = options.ca === undefined ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: address.host,
        port: address.port,
        path,
        agent: false,
        headers: options.headers ?? {},
        ...(options.ca === undefined ? {} : { ca: options.ca, servername: 'localhost' }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const gzipped = res.headers['content-encoding'] === 'gzip';
          const reply: Reply = {
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw,
            body: (gzipped ? gunzipSync(raw) : raw).toString('utf8'),
          };
          res.socket.once('close', () => {
            resolve(reply);
          });
          res.socket.destroy();
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The value of an unlabelled sample (or one with exactly `labels`) in a Prometheus-text body. */
export function sampleValue(body: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels} `;
  const line = body.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Waits until the gateway's probe metrics show `count` read passes with `result`. */
export async function waitForReadPasses(
  gateway: RunningGateway,
  result: 'success' | 'failure',
  count: number,
): Promise<void> {
  await waitFor(
    async () =>
      sampleValue(
        (await gateway.getProbe('/metrics')).body,
        'gh_exporter_gateway_redis_read_passes_total',
        `{result="${result}"}`,
      ) === count,
    { timeoutMs: 10_000, description: `${count} ${result} read passes` },
  );
}
