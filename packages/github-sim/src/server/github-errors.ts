/**
 * GitHub's error bodies, byte-compatible where clients parse them: octokit's throttling plugin
 * recognises a secondary limit by the words "secondary rate" in `message`, and a primary
 * limit by `x-ratelimit-remaining: 0`.
 */

/** A response the API pipeline sends as is. */
export interface ApiResult {
  readonly status: number;
  /** JSON-serialisable body; `undefined` sends no body (204, 304). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const REST_DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

/** `{ message, documentation_url, status }`, the shape of every GitHub REST error. */
export function githubError(
  status: number,
  message: string,
  documentationUrl = REST_DOCS,
  headers?: Readonly<Record<string, string>>,
): ApiResult {
  return {
    status,
    body: { message, documentation_url: documentationUrl, status: String(status) },
    ...(headers ? { headers } : {}),
  };
}

export function badCredentials(): ApiResult {
  return githubError(401, 'Bad credentials');
}

export function jwtRejected(message: string): ApiResult {
  return githubError(401, message);
}

/** 403 as GitHub sends it when the App's installation lacks the endpoint's permission. */
export function resourceNotAccessible(): ApiResult {
  return githubError(403, 'Resource not accessible by integration');
}

export function notFound(): ApiResult {
  return githubError(404, 'Not Found');
}

export function emptyRepository(): ApiResult {
  return githubError(409, 'Git Repository is empty.');
}

/** 422 as GitHub sends it for a parameter it cannot use. */
export function validationFailed(field: string, message: string): ApiResult {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'Search', field, code: 'invalid', message }],
      documentation_url: REST_DOCS,
      status: '422',
    },
  };
}

export function primaryRateLimitExceeded(
  status: 403 | 429,
  installationLabel: string,
  requestId: string,
): ApiResult {
  return githubError(
    status,
    `API rate limit exceeded for ${installationLabel}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit`,
  );
}

export function secondaryRateLimitExceeded(
  status: 403 | 429,
  retryAfterSeconds: number,
  requestId: string,
): ApiResult {
  return githubError(
    status,
    `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** The bodies GitHub's front end sends for 5xx; clients must not rely on their JSON. */
export function serverError(status: 500 | 502 | 503): ApiResult {
  const messages = {
    500: 'Server Error',
    502: 'Server Error',
    503: 'No server is currently available to service your request. Sorry about that. Please try resetting your browser or try again later.',
  } as const;
  return githubError(status, messages[status]);
}
