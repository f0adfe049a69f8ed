// Lua scripts go by their SHA1; Redis may forget them (restart, SCRIPT FLUSH) at any time.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Redis from 'ioredis'
import { luaScript } from '../src/shared/redis'
import { RateLimiter } from '../src/auth/rate-limit'

const url = process.env.REDIS_URL

describe.skipIf(!url)('Lua scripts on Redis', () => {
  let redis: Redis
  const prefix = `test:scripts:${process.pid}:${Date.now()}:`
  beforeAll(() => { redis = new Redis(url!) })
  afterAll(async () => { await redis.quit() })

  test('a script runs by its SHA1, and again after Redis forgot every script', async () => {
    const echo = luaScript(`return { KEYS[1], ARGV[1], ${Date.now()} }`)
    const [key] = await echo(redis, [`${prefix}k`], 'first') as string[]
    expect(key).toBe(`${prefix}k`)
    await redis.script('FLUSH')
    expect((await echo(redis, [`${prefix}k`], 'second') as string[])[1]).toBe('second')
    expect((await echo(redis, [`${prefix}k`], 'third') as string[])[1]).toBe('third')
  })

  test('the rate limit keeps counting across a SCRIPT FLUSH, and refuses past its limit', async () => {
    const limiter = new RateLimiter(redis, prefix)
    const rules = [{ bucket: 'flush', limit: 3 }]
    const now = Date.now()
    expect((await limiter.hitAll(rules, 60_000, now)).remaining).toBe(2)
    await redis.script('FLUSH')
    expect((await limiter.hitAll(rules, 60_000, now)).remaining).toBe(1)
    expect((await limiter.hitAll(rules, 60_000, now)).allowed).toBe(true)
    expect((await limiter.hitAll(rules, 60_000, now)).allowed).toBe(false)
  })

  test('an error of the script itself is not taken for a missing script', async () => {
    const failing = luaScript(`return redis.call('INCR', KEYS[1])`)
    await redis.set(`${prefix}text`, 'not a number')
    await expect(failing(redis, [`${prefix}text`])).rejects.toThrow(/not an integer/)
  })
})
