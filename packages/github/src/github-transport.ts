import type { Octokit } from '@octokit/core';

import { GitHubNetworkError } from './github-errors.js';
import { responseOf, toHeaders } from './octokit-response.js';

/** A response the caller can use: 2xx with its body read, or `304`. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text; `undefined` for `204` and `304`. */
  readonly text: string | undefined;
}

/** One attempt's result; a failure keeps what arrived so it can be reported and classified. */
export type SendOutcome =
  | { readonly ok: true; readonly response: RawResponse }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly status: number | undefined;
      readonly headers: Readonly<Record<string, string>>;
    };

export interface SendRequest {
  readonly method: string;
  /** Named in errors: `/repos/{owner}/{repo}/commits`. */
  readonly endpoint: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as the JSON body (a GraphQL `POST`); none when absent. */
  readonly body?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Sends one request through octokit (so its defaults apply: `baseUrl`, user agent, media
 * type) and reads the body itself: octokit would turn a malformed JSON body into a string
 * and a body cut short into an empty one, and both must be told apart from a good answer.
 */
export async function sendRequest(
  octokit: Octokit,
  request: SendRequest,
  signal: AbortSignal,
): Promise<SendOutcome> {
  try {
    const response = await octokit.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(request.body === undefined ? {} : { data: request.body }),
      request: { parseSuccessResponseBody: false },
    });
    const headers = toHeaders(response.headers);
    const body: unknown = response.data;
    let text: string | undefined;
    try {
      text = body instanceof ReadableStream ? await new Response(body).text() : undefined;
    } catch (cause) {
      if (signal.aborted) throw cause;
      return failure(
        new GitHubNetworkError(request.method, request.endpoint, { cause }),
        response.status,
        headers,
      );
    }
    return { ok: true, response: { status: response.status, headers, text } };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const received = responseOf(error);
    if (received === undefined) {
      return failure(
        new GitHubNetworkError(request.method, request.endpoint, { cause: error }),
        undefined,
        {},
      );
    }
    // octokit throws on 304; for a conditional request it is the good answer.
    if (received.status === 304) {
      return { ok: true, response: { status: 304, headers: received.headers, text: undefined } };
    }
    return failure(error, received.status, received.headers);
  }
}

function failure(
  error: unknown,
  status: number | undefined,
  headers: Readonly<Record<string, string>>,
): SendOutcome {
  return { ok: false, error, status, headers };
}
