// Polling for changes that must arrive within a time bound (e.g. across instances within 1 s).

/** Polls until `fn` returns the expected value, for at most `ms`; returns what it saw last. */
export async function within<T>(ms: number, expected: T, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms
  let seen = await fn()
  while (seen !== expected && Date.now() < deadline) {
    await Bun.sleep(25)
    seen = await fn()
  }
  return seen
}
