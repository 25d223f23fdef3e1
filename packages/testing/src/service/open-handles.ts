/** The process's open TCP handles (servers and sockets), by libuv type name. */
export function openTcpHandles(): string[] {
  return process.getActiveResourcesInfo().filter((resource) => resource.startsWith('TCP'));
}

/**
 * The open TCP handles once their count equals `expected`'s, or as they are after
 * `timeoutMs`. A closed socket stays listed until libuv's next close phase, so this polls
 * a few loop turns instead of reading once.
 */
export async function settledTcpHandles(
  expected: readonly string[] = [],
  timeoutMs = 1000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let current = openTcpHandles();
  while (current.length !== expected.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    current = openTcpHandles();
  }
  return current;
}
