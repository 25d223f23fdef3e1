import { request } from 'node:http';

/** What one streamed scrape took and brought. */
export interface ScrapeResult {
  readonly status: number;
  readonly durationMs: number;
  /** Bytes on the wire (compressed when gzip was negotiated). */
  readonly bytes: number;
  /** Lines that are neither comments nor empty (counted only for an uncompressed body). */
  readonly samples: number;
}

const NEWLINE = 0x0a;
const HASH = 0x23;

/**
 * GETs `/metrics` and counts the body as it streams (never holding it: 1M series are
 * ~500 MB), from the request to the last byte.
 */
export function scrape(
  address: { readonly host: string; readonly port: number },
  headers: Readonly<Record<string, string>> = {},
): Promise<ScrapeResult> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address.host, port: address.port, path: '/metrics', agent: false, headers },
      (res) => {
        let bytes = 0;
        let samples = 0;
        let atLineStart = true;
        const countLines = res.headers['content-encoding'] === undefined;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!countLines) return;
          let position = 0;
          while (position < chunk.length) {
            const first = chunk[position];
            if (atLineStart && first !== HASH && first !== NEWLINE) samples++;
            const newline = chunk.indexOf(NEWLINE, position);
            if (newline < 0) {
              atLineStart = false;
              break;
            }
            atLineStart = true;
            position = newline + 1;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            durationMs: performance.now() - startedMs,
            bytes,
            samples,
          });
          res.socket.destroy();
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** GETs a small text document (the probe server's own metrics). */
export function fetchText(
  address: { readonly host: string; readonly port: number },
  path: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        resolve(Buffer.concat(chunks).toString('utf8'));
        res.socket.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
}
