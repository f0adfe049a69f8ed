// The rate limiters count in fixed windows aligned to the epoch: at a window's edge the count
// starts afresh. A test that counts requests up to a limit on the real clock must not straddle one.

/** When the current window of `windowMs` has less than `needMs` left, waits until the next begins. */
export async function clearOfWindowEdge(windowMs: number, needMs = 20_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs)
  if (left < needMs) await Bun.sleep(left + 50)
}

export const MINUTE_MS = 60_000
export const QUARTER_HOUR_MS = 15 * 60_000
export const HOUR_MS = 60 * 60_000
