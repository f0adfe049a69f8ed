// How the bench judges a figure against its limit: CPU shares are sums of whole clock ticks.
import { describe, expect, test } from 'bun:test'
import { atMost } from '../bench/lib/report'

// Readings as the bench takes them: seconds of CPU so far (ticks / 100), before and after 30 s.
const share = (ticks: { before: number; after: number }[]) =>
  ticks.reduce((a, t) => a + t.after / 100, 0) / 30 - ticks.reduce((a, t) => a + t.before / 100, 0) / 30

describe('bench report limits', () => {
  test('an idle stack of exactly 0.5 % of a core, summed from clock ticks, is within its 0.5 % limit', () => {
    const idle = share([{ before: 12_345, after: 12_355 }, { before: 0, after: 0 }, { before: 678, after: 683 }])
    expect(idle).not.toBe(0.005) // (the floating-point sum lands beside it)
    expect(atMost(idle, 0.005)).toBe(true)
  })

  test('one tick more is over the limit', () => {
    expect(atMost(share([{ before: 12_345, after: 12_356 }, { before: 678, after: 683 }]), 0.005)).toBe(false)
  })
})
