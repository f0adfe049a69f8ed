import { describe, expect, test } from 'bun:test'
import { KnownAddresses, networkOf } from '../src/accounts/known-addresses'

describe('known sign-in addresses', () => {
  test('an IPv6 address counts by its /64, an IPv4 address (mapped or not) by itself', () => {
    expect(networkOf('2001:db8:0:12:a:b:c:d')).toBe('2001:db8:0:12::/64')
    expect(networkOf('2001:0db8:0000:0012::1')).toBe('2001:db8:0:12::/64')
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(networkOf('::1')).toBe('0:0:0:0::/64')
    expect(networkOf('203.0.113.9')).toBe('203.0.113.9')
    expect(networkOf('::ffff:203.0.113.9')).toBe('203.0.113.9')
  })

  test('an address is known for the email it signed in to, and a new IPv6 host on its network too', async () => {
    const known = new KnownAddresses(null, 'test:')
    await known.remember('a@x.test', '2001:db8:0:12::aaaa')
    expect(await known.has('a@x.test', '2001:db8:0:12:1:2:3:4')).toBe(true)
    expect(await known.has('a@x.test', '2001:db8:0:13::aaaa')).toBe(false)
    expect(await known.has('b@x.test', '2001:db8:0:12::aaaa')).toBe(false)
  })

  test('no address proves nothing: an unknown client address is never remembered', async () => {
    const known = new KnownAddresses(null, 'test:')
    await known.remember('a@x.test', 'unknown')
    await known.remember('a@x.test', '')
    expect(await known.has('a@x.test', 'unknown')).toBe(false)
    expect(await known.has('a@x.test', '')).toBe(false)
  })
})

describe.skipIf(!process.env.REDIS_URL)('known sign-in addresses through Redis', () => {
  test('an address remembered by one instance is known to another', async () => {
    const { default: Redis } = await import('ioredis')
    const redis = new Redis(process.env.REDIS_URL!)
    const prefix = `kurz-test-known-${Date.now()}:`
    try {
      await new KnownAddresses(redis, prefix).remember('a@x.test', '198.51.100.4')
      const other = new KnownAddresses(redis, prefix)
      expect(await other.has('a@x.test', '198.51.100.4')).toBe(true)
      expect(await other.has('a@x.test', '198.51.100.5')).toBe(false)
      const keys = await redis.keys(`${prefix}*`)
      expect(keys).toHaveLength(1)
      expect(keys[0]).not.toContain('198.51.100.4') // hashed: no address readable in Redis
      await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
  })
})
