import { request } from 'node:http';

/** What {@link httpGet} got back. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * GET `path` on `host:port` over a fresh connection that is closed before this resolves, so
 * no client socket lingers to blur a test's count of open handles (fetch pools its sockets).
 */
export function httpGet(
  address: { readonly host: string; readonly port: number },
  path: string,
  accept?: string,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address.host,
        port: address.port,
        path,
        agent: false,
        headers: accept === undefined ? {} : { accept },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const reply = {
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
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
