import {
  type Attributes,
  markSpanFailed,
  type Span,
  SpanKind,
  type SpanOptions,
} from '@gse/tracing';

import type { GitHubRequestReport } from './github-request-report.js';

/**
 * The span of one GitHub request: its name and attributes carry the endpoint *template*
 * (`GET /repos/{owner}/{repo}/commits`), never the URL, a header or the token.
 */
export function toGitHubSpanStart(
  method: string,
  endpoint: string,
  context: { readonly org: string; readonly installationId: number; readonly attempt: number },
): { readonly name: string; readonly options: SpanOptions } {
  return {
    name: `GitHub ${method} ${endpoint}`,
    options: {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.template': endpoint,
        'gse.org': context.org,
        'gse.github.installation_id': context.installationId,
        'http.request.resend_count': context.attempt - 1,
      },
    },
  };
}

/**
 * What the response said, on the request's span: status, whether it cost rate limit (a 304
 * does not), the budget left. A request without a response, a 5xx, or a rate-limit refusal
 * (403/429) marks the span an error; other 4xx are answers the collectors act on.
 */
export function recordGitHubResponse(span: Span, report: GitHubRequestReport): void {
  const attributes: Attributes = {
    'gse.github.counted': report.counted,
    'gse.github.not_modified': report.notModified,
  };
  if (report.status !== undefined) attributes['http.response.status_code'] = report.status;
  if (report.rateLimitRemaining !== undefined) {
    attributes['gse.github.rate_limit_remaining'] = report.rateLimitRemaining;
  }
  span.setAttributes(attributes);
  const { status } = report;
  if (status === undefined || status >= 500 || status === 403 || status === 429) {
    markSpanFailed(span, new Error(`GitHub answered ${status ?? 'nothing'}`));
  }
}
