import { describe, expect, test } from 'bun:test'
import { LinkCache, type LinkCacheOptions } from '../src/redirect/cache'
import { MISS, type LinkEntry, toLinkEntry } from '../src/redirect/link-entry'
import { fromSharedText, toSharedText } from '../src/redirect/entry-codec'
import { createBus, type Bus } from '../src/shared/redis'

const entry = (id: string, target: string | null = `https://example.com/${id}`): LinkEntry => ({
  id, ownerId: 'usr_1', target, status: 'ACTIVE', expiresAt: 0, singleUse: false, kind: target === null ? 'text' : 'url', smart: null,
})

/** An in-process bus whose reconnect the test can trigger. */
function testBus(): Bus & { reconnect(): void } {
  const inner = createBus(null, 'test:')
  const onReconnect: (() => void)[] = []
  return { ...inner, onReconnect: (fn) => void onReconnect.push(fn), reconnect: () => onReconnect.forEach((f) => f()) }
}

function cache(over: Partial<LinkCacheOptions> = {}) {
  const bus = testBus()
  const opts = { lruMax: 1000, lruTtlMs: 60_000, negativeTtlMs: 5000, redisTtlSeconds: 60, redisPrefix: 'test:', ...over }
  return { cache: new LinkCache(opts, null, bus), bus }
}

const fill = (c: LinkCache, key: string, value: LinkEntry | typeof MISS) => c.fillLocal(key, value, c.startFill())

describe('LinkCache tiers', () => {
  test('a filled link is answered by peek, the first time and once promoted', () => {
    const { cache: c } = cache()
    fill(c, '/a', entry('a'))
    fill(c, '/typed', entry('typed', null))
    expect(c.peek('/a')).toEqual(entry('a'))
    expect(c.peek('/a')).toEqual(entry('a'))
    expect(c.peek('/typed')).toEqual(entry('typed', null))
    expect(c.peek('/b')).toBeUndefined()
    expect(c.size).toBe(2)
  })

  test('a miss is remembered for the negative lifetime only', async () => {
    const { cache: c } = cache({ negativeTtlMs: 40 })
    fill(c, '/nope', MISS)
    expect(c.peek('/nope')).toBe(MISS)
    await Bun.sleep(60)
    expect(c.peek('/nope')).toBeUndefined()
  })

  test('a link promoted to the hot tier still ends with its lifetime', async () => {
    const { cache: c } = cache({ lruTtlMs: 50 })
    fill(c, '/a', entry('a'))
    expect(c.peek('/a')).toEqual(entry('a'))
    expect(c.peek('/a')).toEqual(entry('a'))
    await Bun.sleep(70)
    expect(c.peek('/a')).toBeUndefined()
  })

  test('a publish evicts the key from both tiers', async () => {
    const { cache: c } = cache()
    fill(c, '/a', entry('a'))
    c.peek('/a')
    c.peek('/a')
    await c.publish('/a', null)
    expect(c.peek('/a')).toBeUndefined()
    expect(c.size).toBe(0)
  })

  test('a fill that began before an eviction is not kept', async () => {
    const { cache: c } = cache()
    const startedAt = c.startFill()
    await c.publish('/a', entry('a', 'https://example.com/new'))
    c.fillLocal('/a', entry('a', 'https://example.com/old'), startedAt)
    expect(c.peek('/a')).toBeUndefined()
  })

  test('a fill that began before an eviction is not kept, even when the evictions since overflow their record', async () => {
    const { cache: c } = cache()
    const startedAt = c.startFill()
    await c.publish('/a', entry('a', 'https://example.com/new'))
    // A bulk delete of more than 10,000 links: the record of evictions is bounded and starts over.
    for (let i = 0; i <= 10_000; i++) await c.publish(`/bulk-${i}`, null)
    c.fillLocal('/a', entry('a', 'https://example.com/old'), startedAt)
    c.fillLocal('/bulk-10000', entry('bulk-10000'), startedAt)
    expect(c.peek('/a')).toBeUndefined()
    expect(c.peek('/bulk-10000')).toBeUndefined()
  })

  test('a fill that began after the record of evictions started over is kept', async () => {
    const { cache: c } = cache()
    for (let i = 0; i <= 10_000; i++) await c.publish(`/bulk-${i}`, null)
    fill(c, '/a', entry('a'))
    expect(c.peek('/a')).toEqual(entry('a'))
  })

  test('a fill that began before a reconnect of the bus is not kept (evictions may have been missed)', () => {
    const { cache: c, bus } = cache()
    const startedAt = c.startFill()
    bus.reconnect()
    c.fillLocal('/a', entry('a', 'https://example.com/old'), startedAt)
    expect(c.peek('/a')).toBeUndefined()
  })

  test('a newer fill replaces a promoted copy', () => {
    const { cache: c } = cache()
    fill(c, '/a', entry('a', 'https://example.com/1'))
    c.peek('/a')
    fill(c, '/a', entry('a', 'https://example.com/2'))
    expect((c.peek('/a') as LinkEntry).target).toBe('https://example.com/2')
  })

  test('a reconnect of the bus empties both tiers', () => {
    const { cache: c, bus } = cache()
    fill(c, '/a', entry('a'))
    fill(c, '/miss', MISS)
    c.peek('/a')
    bus.reconnect()
    expect(c.peek('/a')).toBeUndefined()
    expect(c.peek('/miss')).toBeUndefined()
    expect(c.size).toBe(0)
  })

  test('with the LRU off links are not kept, misses are', () => {
    const { cache: c } = cache({ lruMax: 0 })
    fill(c, '/a', entry('a'))
    fill(c, '/miss', MISS)
    expect(c.peek('/a')).toBeUndefined()
    expect(c.peek('/miss')).toBe(MISS)
  })

  test('no typed array is reachable through enumerable properties (Elysia deep-merges what deps reach)', () => {
    const { cache: c } = cache()
    fill(c, '/a', entry('a'))
    const views: string[] = []
    const walk = (value: unknown, path: string, seen: Set<unknown>) => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return
      seen.add(value)
      if (ArrayBuffer.isView(value)) return void views.push(path)
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, seen)
    }
    walk(c, 'cache', new Set())
    expect(views).toEqual([])
  })

  test('at capacity the least recently used link goes', () => {
    const { cache: c } = cache({ lruMax: 2 })
    fill(c, '/a', entry('a'))
    fill(c, '/b', entry('b'))
    c.peek('/a')
    fill(c, '/c', entry('c'))
    expect(c.peek('/b')).toBeUndefined()
    expect(c.size).toBe(2)
  })
})

describe('look-ups under way', () => {
  test('a request for a key being looked up shares that look-up; once it settles, the next one starts its own', async () => {
    const { cache: c } = cache()
    let runs = 0
    let answer!: (v: LinkEntry) => void
    const run = () => { runs++; return new Promise<LinkEntry>((r) => { answer = r }) }
    const first = c.lookUp('/a', run)
    expect(c.lookingUp('/b')).toBeUndefined()
    const joined = c.lookingUp('/a')
    expect(joined).toBe(first)
    answer(entry('a'))
    expect(await joined).toEqual(entry('a'))
    expect(runs).toBe(1)
    expect(c.lookingUp('/a')).toBeUndefined()
  })

  test('after an eviction of the key, a look-up begun before it is not shared (its answer may be older)', async () => {
    const { cache: c } = cache()
    let answer!: (v: LinkEntry) => void
    const first = c.lookUp('/a', () => new Promise<LinkEntry>((r) => { answer = r }))
    await c.publish('/b', null)
    expect(c.lookingUp('/a')).toBe(first)
    await c.publish('/a', null)
    expect(c.lookingUp('/a')).toBeUndefined()
    answer(entry('a'))
    await first
  })

  test('a look-up that fails fails for those who shared it, and is not shared afterwards', async () => {
    const { cache: c } = cache()
    let fail!: (e: Error) => void
    const first = c.lookUp('/a', () => new Promise<LinkEntry>((_, r) => { fail = r }))
    const joined = c.lookingUp('/a')!
    fail(new Error('database away'))
    expect(await joined.then(() => null, (e: Error) => e.message)).toBe('database away')
    expect(await first.then(() => null, (e: Error) => e.message)).toBe('database away')
    expect(c.lookingUp('/a')).toBeUndefined()
  })
})

describe('link entries in Redis', () => {
  test('an entry and a miss read back as they were written', () => {
    expect(fromSharedText(toSharedText(entry('a')))).toEqual(entry('a'))
    expect(fromSharedText(toSharedText(entry('typed', null)))).toEqual(entry('typed', null))
    expect(fromSharedText(toSharedText(MISS))).toBe(MISS)
  })

  test('an entry of another layout (the bare JSON written before layouts were numbered) is not read', () => {
    expect(fromSharedText(JSON.stringify(entry('a')))).toBeUndefined()
    expect(fromSharedText(`v999:${JSON.stringify(entry('a'))}`)).toBeUndefined()
  })
})

describe.skipIf(!process.env.REDIS_URL)('link entries of another layout in Redis', () => {
  const row = {
    id: 'lnk_1', userId: 'usr_1', domain: '', slug: 'layout', originalUrl: 'https://example.com/now', status: 'ACTIVE' as const,
    expiresAt: null, singleUse: false, kind: 'url' as const,
  }

  test('are read as not cached and dropped, so the next fill writes the current layout; refresh and forget write it', async () => {
    const { default: Redis } = await import('ioredis')
    const redis = new Redis(process.env.REDIS_URL!)
    const prefix = `kurz-test-layout-${Date.now()}:`
    const opts = { lruMax: 1000, lruTtlMs: 60_000, negativeTtlMs: 5000, redisTtlSeconds: 60, redisPrefix: prefix }
    const c = new LinkCache(opts, redis, createBus(null, prefix))
    try {
      await redis.set(`${prefix}link:/layout`, JSON.stringify({ ...toLinkEntry(row), target: 'https://example.com/old' }))
      expect(await c.getShared('/layout')).toBeUndefined()
      // The drop is not awaited by the reader; it goes out on the same connection, before this read.
      expect(await redis.get(`${prefix}link:/layout`)).toBeNull()
      c.fillShared('/layout', toLinkEntry(row))
      expect(await c.getShared('/layout')).toEqual(toLinkEntry(row))
      await c.refresh({ ...row, status: 'DISABLED' })
      expect(await c.getShared('/layout')).toEqual(toLinkEntry({ ...row, status: 'DISABLED' }))
      await c.forget('', 'layout')
      expect(await c.getShared('/layout')).toBe(MISS)
    } finally {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length) await redis.del(...keys)
      redis.disconnect()
    }
  })
})
