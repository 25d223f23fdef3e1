// A service that crashes on purpose, for uncaught-error-exit.int.test.ts: it runs through
// the real `runService` with a real `process`, and keeps a timer alive so that only the
// crash handling can end it.
import { runService, type Service } from '../../../src/index.js';

const crashWith = process.env['CRASH_WITH'];

function createCrashingApp(): Service {
  let keepAlive: NodeJS.Timeout | undefined;
  return {
    start() {
      keepAlive = setInterval(() => undefined, 60_000);
      setTimeout(() => {
        if (crashWith === 'unhandledRejection') {
          // Nobody awaits or catches this promise: the crash under test.
          void Promise.reject(new Error('a handler rejected and nobody awaited it'));
        } else {
          throw new Error('a timer callback threw');
        }
      }, 10);
      return Promise.resolve();
    },
    stop() {
      clearInterval(keepAlive);
      return Promise.resolve();
    },
  };
}

await runService({
  packageJsonUrl: new URL('../../../package.json', import.meta.url),
  loadConfig: () => ({
    config: {
      server: { logLevel: 'info' },
      services: { shutdownTimeoutMs: 1000 },
      telemetry: {
        tracingEnabled: false,
        traceMode: 'off',
        traceSampleRatio: 0,
        otlpEndpoint: '',
        otlpProtocol: 'http/protobuf',
      },
    },
    source: { kind: 'test' },
    warnings: [],
  }),
  createApp: createCrashingApp,
  process,
});
