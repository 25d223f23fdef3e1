import { PassThrough } from 'node:stream';

import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';

import { createLogger } from './logger.js';

function captureLines(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON line with service, version, level, message and context', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'scheduler', version: '1.2.3', level: 'info', stream });
    logger.info('org scheduled', { org: 'acme', intervalMs: 300_000 });
    const [line] = lines();
    expect(line).toMatchObject({
      service: 'scheduler',
      version: '1.2.3',
      level: 'info',
      message: 'org scheduled',
      org: 'acme',
      intervalMs: 300_000,
    });
    expect(typeof line?.['timestamp']).toBe('string');
  });

  it('gives a child logger per job whose lines carry the job context', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'scraper-worker', version: '1', level: 'info', stream });
    const jobLogger = logger.child({ org: 'acme', repo: 'api', jobId: 'repo-acme-api-1' });
    jobLogger.info('repo scraped', { durationMs: 12 });
    logger.info('idle');
    const [jobLine, rootLine] = lines();
    expect(jobLine).toMatchObject({ org: 'acme', repo: 'api', jobId: 'repo-acme-api-1' });
    expect(rootLine).not.toHaveProperty('jobId');
  });

  it('drops lines below the configured level', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 's', version: '1', level: 'warn', stream });
    logger.info('not shown');
    logger.debug('not shown');
    logger.warn('shown');
    expect(lines().map((line) => line['message'])).toEqual(['shown']);
  });

  it('redacts secrets by key name, at any depth, and credentials in URLs', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 's', version: '1', level: 'info', stream });
    logger.child({ token: 'ghs_parent' }).info('connecting', {
      amqpUrl: 'amqp://guest:hunter2@rabbit:5672/vhost',
      request: { headers: { authorization: 'Bearer ghs_abc' } },
      redis_password: 'p4ss',
      privateKey: '-----BEGIN RSA PRIVATE KEY-----',
    });
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const secret of ['ghs_parent', 'hunter2', 'ghs_abc', 'p4ss', 'BEGIN RSA']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      token: '[REDACTED]',
      amqpUrl: 'amqp://guest:[REDACTED]@rabbit:5672/vhost',
      request: { headers: { authorization: '[REDACTED]' } },
      redis_password: '[REDACTED]',
    });
  });

  it("leaves the caller's objects as they were", () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 's', version: '1', level: 'info', stream });
    const headers = { authorization: 'Bearer ghs_abc' };
    const urls = ['amqp://guest:hunter2@rabbit:5672/'];
    const jobContext = { job: { token: 'ghs_job' } };
    logger.child(jobContext).info('request sent', { request: { headers }, urls });
    expect(headers).toEqual({ authorization: 'Bearer ghs_abc' });
    expect(urls).toEqual(['amqp://guest:hunter2@rabbit:5672/']);
    expect(jobContext).toEqual({ job: { token: 'ghs_job' } });
    expect(lines()[0]).toMatchObject({
      request: { headers: { authorization: '[REDACTED]' } },
      urls: ['amqp://guest:[REDACTED]@rabbit:5672/'],
      job: { token: '[REDACTED]' },
    });
  });

  it('masks credentials of URL objects and cuts cycles without hiding shared objects', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 's', version: '1', level: 'info', stream });
    const shared = { org: 'acme' };
    const node: Record<string, unknown> = { shared, again: shared };
    node['self'] = node;
    logger.info('connecting', { target: new URL('redis://user:p4ss@redis:6379/0'), node });
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('p4ss');
    expect(line).toMatchObject({
      target: 'redis://user:[REDACTED]@redis:6379/0',
      node: { shared: { org: 'acme' }, again: { org: 'acme' }, self: '[Circular]' },
    });
  });

  it('keeps the stack of a logged error', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 's', version: '1', level: 'info', stream });
    logger.error('scrape failed', { error: new Error('boom').stack });
    expect(String(lines()[0]?.['error'])).toContain('boom');
  });
});

describe('createLogger with tracing', () => {
  it('puts the active recorded span’s trace and span ids on the line, and none outside a span', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'scheduler', version: '1', level: 'info', stream });
    const provider = new TracerProvider();
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    try {
      const span = provider.getTracer('test').startSpan('org cycle');
      context.with(trace.setSpan(context.active(), span), () => {
        logger.info('org cycle scheduled', { org: 'acme' });
      });
      span.end();
      logger.info('outside');
      const { traceId, spanId } = span.spanContext();
      expect(lines().map((line) => [line['message'], line['traceId'], line['spanId']])).toEqual([
        ['org cycle scheduled', traceId, spanId],
        ['outside', undefined, undefined],
      ]);
    } finally {
      context.disable();
    }
  });
});
