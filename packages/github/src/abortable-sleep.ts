/** Waits `ms`, or rejects with `signal.reason` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The production {@link Sleep}: a timer that a shutdown cancels. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(toError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(toError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

// `AbortSignal.reason` is typed `any`; callers abort with an Error (the default DOMException
// or their own), and anything else is wrapped so a rejection is always an Error.
function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
