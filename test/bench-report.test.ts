// How the bench judges a figure against its limit: CPU shares are sums of whole clock ticks.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { atMost } from '../bench/lib/report'
import { idleStack } from '../bench/lib/measure'

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

describe('bench readings at rest', () => {
  test('the idle reading names the thread that used the CPU, in µs of CPU a second', async () => {
    const child = Bun.spawn([process.execPath, '-e', 'const end = Date.now() + 3000; while (Date.now() < end) {}'], { stdout: 'ignore', stderr: 'ignore' })
    try {
      await Bun.sleep(200)
      const main = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim()
      const { cores, threadsUsPerSecond } = await idleStack(child.pid, 500)
      expect(cores.kurz).toBeGreaterThan(0)
      const [top] = Object.entries(threadsUsPerSecond)
      expect(top[0]).toBe(main)
      expect(top[1]).toBeGreaterThan(0)
    } finally {
      child.kill()
    }
  })
})
