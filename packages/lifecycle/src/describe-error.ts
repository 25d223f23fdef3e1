/** The one-line message of anything thrown, for error summaries. */
export function toErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a log line carries for a thrown value: the stack when there is one. */
export function toLoggedError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
