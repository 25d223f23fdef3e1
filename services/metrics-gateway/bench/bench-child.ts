import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Messages between the benchmark and its child processes. */
export type ChildMessage =
  | {
      readonly kind: 'ready';
      readonly publicAddress: { readonly host: string; readonly port: number };
      readonly probeAddress: { readonly host: string; readonly port: number };
    }
  | { readonly kind: 'rss'; readonly maxRssMiB: number }
  | {
      readonly kind: 'prom-client';
      readonly mode: 'metrics()' | 'per family';
      readonly fillMs: number;
      readonly renderMs: number;
      readonly bytes: number;
      readonly samples: number;
      readonly maxRssMiB: number;
    };

export type ParentMessage = 'rss' | 'stop';

/** A child process of the benchmark, one per measured case, so each has its own peak RSS. */
export interface BenchChild {
  next(): Promise<ChildMessage>;
  send(message: ParentMessage): void;
  exited(): Promise<void>;
}

/** Forks `bench/<script>` through tsx, with IPC. */
export function forkBenchChild(
  script: string,
  args: readonly string[],
  nodeOptions: readonly string[] = [],
): BenchChild {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: [...nodeOptions, '--import', 'tsx', '--conditions=@gse/source'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const inbox: ChildMessage[] = [];
  const waiting: ((message: ChildMessage) => void)[] = [];
  const exit = once(child, 'exit');
  child.on('message', (message) => {
    const typed = message as ChildMessage;
    const waiter = waiting.shift();
    if (waiter) waiter(typed);
    else inbox.push(typed);
  });
  return {
    next: () => {
      const queued = inbox.shift();
      if (queued) return Promise.resolve(queued);
      return Promise.race([
        new Promise<ChildMessage>((resolve) => waiting.push(resolve)),
        exit.then(([code]) => {
          throw new Error(`${script} exited (${String(code)}) before answering`);
        }),
      ]);
    },
    send: (message) => {
      child.send(message);
    },
    exited: async () => {
      await exit;
    },
  };
}

/** This process's peak resident set size so far, in MiB. */
export function maxRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
