/**
 * Injected latency as cancellable timers: `stop()` must not leave a timer holding the
 * process open (nor a handler waiting on it), so it ends every pending delay at once.
 */
export interface PendingDelays {
  wait(ms: number): Promise<void>;
  /** Resolves every pending wait now. */
  releaseAll(): void;
}

export function createPendingDelays(): PendingDelays {
  const pending = new Map<NodeJS.Timeout, () => void>();
  return {
    wait(ms) {
      if (ms <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
        pending.set(timer, resolve);
      });
    },
    releaseAll() {
      for (const [timer, resolve] of pending) {
        clearTimeout(timer);
        resolve();
      }
      pending.clear();
    },
  };
}
