import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { SimConflictError, SimNotFoundError, type RepoRef } from '../dataset/index.js';
import type { SimDataset } from '../model.js';
import {
  ControlInputError,
  createFaultParser,
  readBody,
  readBoolean,
  readInteger,
  readString,
  requireInteger,
  requireString,
} from './control-input.js';
import {
  parseCommentEvent,
  parseCommitEvent,
  parseMergeEvent,
  parsePullEvent,
  parseReviewEvent,
  parseTransferEvent,
} from './event-input.js';
import {
  parseForcePushEvent,
  parseReviewsEvent,
  parseUpdateSecondReviewEvent,
} from './history-input.js';
import type { SimControl } from './sim-control.js';
import type { SimLimits } from './sim-limits.js';

async function jsonBody(context: Context): Promise<unknown> {
  const text = await context.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlInputError('the body must be JSON');
  }
}

function numberParam(context: Context, name: string): number {
  const raw = context.req.param(name) ?? '';
  if (!/^\d+$/.test(raw))
    throw new ControlInputError(`${name} must be a positive integer; got ${raw}`);
  return Number(raw);
}

function repoRef(context: Context): RepoRef {
  return { org: context.req.param('org') ?? '', repo: context.req.param('repo') ?? '' };
}

/** Query parameters as a control body, numbers and booleans parsed, for `GET` calls. */
function queryBody(context: Context): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(context.req.query()).map(([key, value]) => [
      key,
      /^\d+$/.test(value)
        ? Number(value)
        : value === 'true'
          ? true
          : value === 'false'
            ? false
            : value,
    ]),
  );
}

/**
 * The HTTP control API under `/_sim/` (documented in the package README). JSON in and out;
 * a bad body is a 400 naming the problem, an unknown org/repo/PR a 404, a change GitHub
 * would refuse (merging a closed PR, writing to an archived repo) a 409. Not counted.
 */
export function createControlRoutes(
  control: SimControl,
  dataset: SimDataset,
  endpointKeys: readonly string[],
): Hono {
  const parseFault = createFaultParser(endpointKeys);
  const app = new Hono();
  app.onError((error, context) => {
    const status: ContentfulStatusCode =
      error instanceof ControlInputError
        ? 400
        : error instanceof SimNotFoundError
          ? 404
          : error instanceof SimConflictError
            ? 409
            : 500;
    return context.json({ message: error.message }, status);
  });

  app.get('/apps', (c) =>
    c.json(
      dataset.orgs.map((org) => ({
        org: org.login,
        appId: org.appId,
        installationId: org.installationId,
      })),
    ),
  );

  app.get('/faults', (c) => c.json(control.faults()));
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.json(control.faults());
  });
  app.post('/faults/latency', async (c) => {
    control.injectLatency(parseFault.latency(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/errors', async (c) => {
    control.injectErrors(parseFault.errors(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/permission-denied', async (c) => {
    control.denyPermission(parseFault.permission(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/outage', async (c) => {
    control.startOutage(parseFault.outage(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/secondary-limit', async (c) => {
    control.injectSecondaryLimit(parseFault.secondaryLimit(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/graphql-unsupported', async (c) => {
    control.refuseGraphql(parseFault.graphqlUnsupported(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });
  app.post('/faults/malformed', async (c) => {
    control.injectMalformed(parseFault.malformed(await jsonBody(c)));
    return c.json(control.faults(), 201);
  });

  app.post('/tokens/expire', async (c) => {
    const body = readBody(await jsonBody(c), ['org']);
    return c.json({ expired: control.expireTokens(readString(body, 'org')) });
  });
  app.post('/rate-limit', async (c) => {
    const body = readBody(await jsonBody(c), ['installationId', 'remaining']);
    const state = control.setRateLimitRemaining(
      requireInteger(body, 'installationId', { min: 1 }),
      requireInteger(body, 'remaining', { min: 0 }),
    );
    return c.json(state);
  });

  app.get('/limits', (c) => c.json(control.limits()));
  app.patch('/limits', async (c) => {
    const body: unknown = await jsonBody(c);
    if (body === undefined) throw new ControlInputError('the body must name the limits to change');
    return c.json(control.updateLimits(body as Partial<SimLimits>));
  });

  app.post('/repos/:org/:repo/commits', async (c) => {
    const { input, atMs } = parseCommitEvent(await jsonBody(c));
    return c.json(control.addCommit(repoRef(c), input, atMs), 201);
  });
  app.post('/repos/:org/:repo/pulls', async (c) => {
    const { input, atMs } = parsePullEvent(await jsonBody(c));
    return c.json(control.openPull(repoRef(c), input, atMs), 201);
  });
  app.post('/repos/:org/:repo/pulls/:number/merge', async (c) => {
    const { mergedBy, atMs } = parseMergeEvent(await jsonBody(c));
    return c.json(control.mergePull(repoRef(c), numberParam(c, 'number'), mergedBy, atMs));
  });
  app.post('/repos/:org/:repo/pulls/:number/reviews', async (c) => {
    const { input, atMs } = parseReviewEvent(await jsonBody(c));
    return c.json(control.addReview(repoRef(c), numberParam(c, 'number'), input, atMs), 201);
  });
  app.post('/repos/:org/:repo/pulls/:number/reviews/bulk', async (c) => {
    const { input, atMs } = parseReviewsEvent(await jsonBody(c));
    return c.json(control.addReviews(repoRef(c), numberParam(c, 'number'), input, atMs), 201);
  });
  app.post('/repos/:org/:repo/pulls/:number/reviews/in-update-second', async (c) => {
    const input = parseUpdateSecondReviewEvent(await jsonBody(c));
    return c.json(
      control.addReviewInUpdateSecond(repoRef(c), numberParam(c, 'number'), input),
      201,
    );
  });
  app.post('/repos/:org/:repo/force-push', async (c) => {
    const { input, atMs } = parseForcePushEvent(await jsonBody(c));
    return c.json(control.forcePush(repoRef(c), input, atMs));
  });
  app.post('/repos/:org/:repo/issues/:number/comments', async (c) => {
    const { input, atMs } = parseCommentEvent(await jsonBody(c));
    return c.json(control.addIssueComment(repoRef(c), numberParam(c, 'number'), input, atMs), 201);
  });

  app.post('/repos/:org/:repo/pulls/:number/comments', async (c) => {
    const { input, atMs } = parseCommentEvent(await jsonBody(c));
    return c.json(control.addReviewComment(repoRef(c), numberParam(c, 'number'), input, atMs), 201);
  });

  app.post('/repos/:org/:repo/rename', async (c) => {
    const body = readBody(await jsonBody(c), ['name', 'atMs']);
    const atMs = readInteger(body, 'atMs', { min: 0 });
    return c.json(control.renameRepo(repoRef(c), requireString(body, 'name'), atMs));
  });
  app.delete('/repos/:org/:repo', (c) => c.json(control.deleteRepo(repoRef(c))));
  app.post('/repos/:org/:repo/transfer', (c) => c.json(control.transferRepoOut(repoRef(c))));
  app.post('/repos/:org/:repo/archive', async (c) => {
    const atMs = readInteger(readBody(await jsonBody(c), ['atMs']), 'atMs', { min: 0 });
    return c.json(control.archiveRepo(repoRef(c), atMs));
  });
  app.post('/repos/:org/:repo/unarchive', async (c) => {
    const atMs = readInteger(readBody(await jsonBody(c), ['atMs']), 'atMs', { min: 0 });
    return c.json(control.unarchiveRepo(repoRef(c), atMs));
  });
  app.delete('/repos/:org/:repo/issues/comments/:id', (c) =>
    c.json(control.deleteIssueComment(repoRef(c), numberParam(c, 'id'))),
  );
  app.delete('/repos/:org/:repo/pulls/comments/:id', (c) =>
    c.json(control.deleteReviewComment(repoRef(c), numberParam(c, 'id'))),
  );
  app.post('/repos/:org/:repo/issues/:number/transfer', async (c) => {
    const { toRepo, atMs } = parseTransferEvent(await jsonBody(c));
    return c.json(control.transferIssue(repoRef(c), numberParam(c, 'number'), toRepo, atMs));
  });

  app.post('/users/:login/rename', async (c) => {
    const body = readBody(await jsonBody(c), ['login']);
    return c.json(control.renameUser(c.req.param('login'), requireString(body, 'login')));
  });

  app.get('/counters', (c) => c.json(control.counters()));
  app.post('/counters/reset', (c) => {
    control.resetCounters();
    return c.json(control.counters());
  });

  app.get('/ground-truth', (c) => {
    const body = readBody(queryBody(c), ['atMs', 'retentionMs', 'excludeBots']);
    const atMs = readInteger(body, 'atMs', { min: 0 });
    if (atMs === undefined) throw new ControlInputError('atMs is required (epoch ms)');
    const retentionMs = readInteger(body, 'retentionMs', { min: 1 });
    const excludeBots = readBoolean(body, 'excludeBots');
    return c.json(
      control.groundTruth(atMs, {
        ...(retentionMs === undefined ? {} : { retentionMs }),
        ...(excludeBots === undefined ? {} : { excludeBots }),
      }),
    );
  });

  // Registered last, so it only catches what no control route matched (a sub-app's
  // `notFound` is not consulted once mounted).
  app.all('/*', (c) =>
    c.json({ message: `no control endpoint ${c.req.method} ${c.req.path}` }, 404),
  );
  return app;
}
