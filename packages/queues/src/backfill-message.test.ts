import { describe, expect, it } from 'vitest';

import {
  decodeBackfillMessage,
  encodeBackfillMessage,
  MAX_ERROR_LENGTH,
  toBackfillCoveringDigests,
  toBackfillDedupDigest,
  toTraceHeaders,
  truncateError,
  type BackfillMessage,
} from './backfill-message.js';

const MESSAGE: BackfillMessage = {
  version: 1,
  id: '6f1c2b1e-1b7a-4f5e-9d3c-0a1b2c3d4e5f',
  org: 'acme',
  repo: 'web.site',
  resource: 'commits',
  window: { fromMs: 1_000, toMs: 2_000 },
  reason: 'github_unavailable',
  attempt: 1,
  firstEnqueuedAtMs: 5_000,
  firstError: 'HTTP 503',
  lastError: 'HTTP 503',
};

describe('backfill message codec', () => {
  it('round-trips a message, with and without its optional fields', () => {
    expect(decodeBackfillMessage(encodeBackfillMessage(MESSAGE))).toEqual({
      ok: true,
      message: MESSAGE,
    });
    const { version, id, org, resource, window, reason, attempt, firstEnqueuedAtMs } = MESSAGE;
    const orgWide = { version, id, org, resource, window, reason, attempt, firstEnqueuedAtMs };
    expect(decodeBackfillMessage(encodeBackfillMessage(orgWide))).toEqual({
      ok: true,
      message: orgWide,
    });
    const withId = { ...MESSAGE, repoId: 123_456 };
    expect(decodeBackfillMessage(encodeBackfillMessage(withId))).toEqual({
      ok: true,
      message: withId,
    });
  });

  it('carries the trace context of the span that asked for the window, as W3C headers too', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = { ...MESSAGE, trace: { traceparent } };
    expect(decodeBackfillMessage(encodeBackfillMessage(traced))).toEqual({
      ok: true,
      message: traced,
    });
    expect(toTraceHeaders(traced)).toEqual({ traceparent });
    expect(toTraceHeaders(MESSAGE)).toEqual({});
    // A malformed carrier is dropped, never a reason to dead-letter the window.
    const body = JSON.stringify({ ...MESSAGE, trace: { traceparent: 'nonsense' } });
    expect(decodeBackfillMessage(body)).toEqual({ ok: true, message: MESSAGE });
  });

  it('says why a body is not JSON', () => {
    const decoded = decodeBackfillMessage(Buffer.from('{not json'));
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.error).toMatch(/^not JSON: /);
  });

  it.each([
    ['another version', { ...MESSAGE, version: 2 }, 'version'],
    ['an unknown field', { ...MESSAGE, extra: true }, '(message)'],
    [
      'a window that ends before it starts',
      { ...MESSAGE, window: { fromMs: 2, toMs: 1 } },
      'window',
    ],
    ['a repo name with a slash', { ...MESSAGE, repo: 'a/b' }, 'repo'],
    ['attempt 0', { ...MESSAGE, attempt: 0 }, 'attempt'],
    ['a repo id of 0', { ...MESSAGE, repoId: 0 }, 'repoId'],
    ['a repo id that is not an integer', { ...MESSAGE, repoId: 1.5 }, 'repoId'],
    ['a repo id as a string', { ...MESSAGE, repoId: '7' }, 'repoId'],
    ['a repo id without a repo', { ...MESSAGE, repo: undefined, repoId: 7 }, 'repoId'],
    ['a reason that cannot be a label', { ...MESSAGE, reason: 'Bad Reason' }, 'reason'],
    ['an unknown resource', { ...MESSAGE, resource: 'wiki' }, 'resource'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    const decoded = decodeBackfillMessage(JSON.stringify(body));
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.error).toContain(`wrong schema: ${field}`);
  });

  it('refuses to encode an invalid message', () => {
    expect(() => encodeBackfillMessage({ ...MESSAGE, org: '' })).toThrow(TypeError);
  });

  it('truncates long errors to the header limit', () => {
    const long = 'x'.repeat(MAX_ERROR_LENGTH + 10);
    expect(truncateError(long)).toHaveLength(MAX_ERROR_LENGTH);
    expect(truncateError('short')).toBe('short');
  });

  it('gives identical windows one dedup digest, and any difference another', () => {
    const digest = toBackfillDedupDigest(MESSAGE);
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    const retried: BackfillMessage = { ...MESSAGE, id: 'other', attempt: 3 };
    expect(toBackfillDedupDigest(retried)).toBe(digest);
    const others = [
      { ...MESSAGE, repo: undefined },
      { ...MESSAGE, resource: 'pulls' as const },
      { ...MESSAGE, window: { fromMs: 1_000, toMs: 2_001 } },
      { ...MESSAGE, org: 'globex' },
    ].map(toBackfillDedupDigest);
    expect(new Set([digest, ...others]).size).toBe(5);
  });

  it('keys a window with a repo id by the id: the same under an old and a new name, not another repo under the old name', () => {
    const byId = { ...MESSAGE, repoId: 7 };
    const digest = toBackfillDedupDigest(byId);
    expect(toBackfillDedupDigest({ ...byId, repo: 'web-app' })).toBe(digest);
    expect(toBackfillDedupDigest({ ...byId, repoId: 8 })).not.toBe(digest);
    // A message of an earlier release (no id) keeps its digest by name.
    expect(toBackfillDedupDigest(MESSAGE)).not.toBe(digest);
    expect(toBackfillCoveringDigests({ ...byId, repo: 'web-app' })).toEqual(
      toBackfillCoveringDigests(byId),
    );
    expect(toBackfillCoveringDigests(byId)).not.toEqual(toBackfillCoveringDigests(MESSAGE));
  });
});
