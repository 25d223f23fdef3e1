import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Whether something accepts TCP connections on `host:port` within `timeoutMs`. */
export async function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const socket = new Socket();
  socket.setTimeout(timeoutMs);
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('connect', () => {
        resolve(true);
      });
      socket.once('timeout', () => {
        resolve(false);
      });
      socket.once('error', () => {
        resolve(false);
      });
      socket.connect(port, host);
    });
  } finally {
    socket.destroy();
  }
}
