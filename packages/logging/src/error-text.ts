/**
 * The one-line message of anything thrown: the fleet's one way to put an error into a log
 * field, a failure reason or a response.
 */
export function toErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a log line carries for a thrown value that nobody expected: the stack when there is one. */
export function toLoggedError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
