import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  createHttpAccess,
  createHttpServer,
  requireAccess,
  type HttpAuthConfig,
  type HttpServer,
  type ListenAddress,
} from '@gse/lifecycle';
import type { Logger } from '@gse/logging';
import { renderStatusPage, type StatusReport } from '@gse/status';
import type { Queue } from 'bullmq';

/** Where Bull Board lives on the admin listener. */
export const BULL_BOARD_PATH = '/queues';

export interface AdminServerOptions {
  /** `services.admin.listen_addr`. */
  readonly listen: ListenAddress;
  /** `services.admin.auth`: every route, Bull Board's assets included, asks for it. */
  readonly auth: HttpAuthConfig;
  /** `services.admin.bull_board_read_only`. */
  readonly bullBoardReadOnly: boolean;
  /** The BullMQ queues Bull Board shows. */
  readonly queues: readonly Queue[];
  /** Reads and assembles the report; rejects when Redis does not answer. */
  readonly status: () => Promise<StatusReport>;
  readonly logger: Logger;
}

/**
 * The admin listener of the metrics-gateway: the status page (`/`), the same data as
 * `/status.json`, and Bull Board (`/queues`). Separate from `server.listen_addr` so that
 * what it shows (org names, queue contents) is opened on purpose, to whom `auth` allows.
 */
export function createAdminServer(options: AdminServerOptions): HttpServer {
  return createHttpServer({
    name: 'admin',
    listen: options.listen,
    logger: options.logger,
    routes: (app) => {
      app.use('*', requireAccess(createHttpAccess(options.auth, 'admin')));
      app.get('/', async (c) => c.html(await renderStatusPage(await options.status())));
      app.get('/status.json', async (c) => c.json(await options.status()));

      const board = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
      createBullBoard({
        queues: options.queues.map(
          (queue) => new BullMQAdapter(queue, { readOnlyMode: options.bullBoardReadOnly }),
        ),
        serverAdapter: board,
      });
      app.route(BULL_BOARD_PATH, board.registerPlugin());
    },
  });
}
