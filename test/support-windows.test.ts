import { describe, expect, test } from 'bun:test'
import { clearOfWindowEdge } from './support/windows'

describe('clearOfWindowEdge (tests that count up to a limit on the real clock)', () => {
  test('returns with at least the time asked left in the window, waiting for the next one when too close', async () => {
    for (let i = 0; i < 20; i++) {
      await clearOfWindowEdge(100, 60)
      expect(100 - (Date.now() % 100)).toBeGreaterThanOrEqual(40) // (a busy machine may take a few ms of it)
      await Bun.sleep(13)
    }
  })
})
