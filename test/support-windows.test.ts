import { describe, expect, test } from 'bun:test'
import { clearOfWindowEdge } from './support/windows'

describe('clearOfWindowEdge (tests that count up to a limit on the real clock)', () => {
  test('returns with at least the time asked left in the window, waiting for the next one when too close', async () => {
    // (1 s windows: a busy machine's late timers, tens of ms, stay within the margin; steps of
    // 170 ms land in the last 600 ms of some window, where only the wait leaves enough)
    for (let i = 0; i < 8; i++) {
      await clearOfWindowEdge(1000, 600)
      expect(1000 - (Date.now() % 1000)).toBeGreaterThanOrEqual(400)
      await Bun.sleep(170)
    }
  })
})
