import type { Octokit } from '@octokit/core';

import { withSpan, type Span } from '@gse/tracing';

import { toRequestReport, type GitHubRequestObserver } from './github-request-report.js';
import { recordGitHubResponse, toGitHubSpanStart } from './github-request-span.js';
import { TOKEN_ENDPOINT } from './installation-token-source.js';
import { responseOf, toHeaders } from './octokit-response.js';

type OctokitRequest = Octokit['request'];

/**
 * The `request` that `createAppAuth` mints tokens with: octokit's own, so `baseUrl` and the
 * fetch with timeout and shutdown signal apply, plus a report of every mint. Its hook
 * replaces octokit's hook chain, which only matters for auth hooks this client does not use.
 */
export function createTokenRequest(
  octokit: Octokit,
  context: {
    readonly org: string;
    readonly installationId: number;
    readonly now: () => number;
    readonly onRequest: GitHubRequestObserver;
  },
): OctokitRequest {
  const report = (
    span: Span,
    status: number | undefined,
    headers: Record<string, string>,
    startedMs: number,
  ): void => {
    const requestReport = toRequestReport({
      org: context.org,
      installationId: context.installationId,
      endpoint: `POST ${TOKEN_ENDPOINT}`,
      status,
      headers,
      durationMs: context.now() - startedMs,
      attempt: 1,
    });
    recordGitHubResponse(span, requestReport);
    context.onRequest(requestReport);
  };
  const span = toGitHubSpanStart('POST', TOKEN_ENDPOINT, { ...context, attempt: 1 });
  return octokit.request.defaults({
    request: {
      // The minted token is in the response body, which no span or report reads.
      hook: (request: OctokitRequest, options: Parameters<OctokitRequest>[0]) =>
        withSpan(span.name, span.options, async (active) => {
          const startedMs = context.now();
          try {
            const response = await request(options);
            report(active, response.status, toHeaders(response.headers), startedMs);
            return response;
          } catch (error) {
            const received = responseOf(error);
            report(active, received?.status, received?.headers ?? {}, startedMs);
            throw error;
          }
        }),
    },
  });
}
