// The small pieces a smart link's visit reads the request with: a capped cache, the IPv4 parser
// of the `ip` rule, and the preferred language of Accept-Language.
import { describe, expect, test } from 'bun:test'
import { BoundedCache } from '../src/shared/bounded-cache'
import { ipv4Number, preferredLanguage } from '../src/rules/evaluate'

describe('BoundedCache', () => {
  test('past its cap the oldest entry goes, and set answers the value', () => {
    const c = new BoundedCache<string, number>(2)
    expect(c.set('a', 1)).toBe(1)
    c.set('b', 2)
    c.set('a', 10) // (a replaced value keeps its place: nothing is evicted)
    expect(c.size).toBe(2)
    c.set('c', 3)
    expect(c.get('a')).toBeUndefined()
    expect(c.get('b')).toBe(2)
    expect(c.get('c')).toBe(3)
    expect(c.size).toBe(2)
  })

  test('a cap below one is refused', () => {
    expect(() => new BoundedCache(0)).toThrow()
  })
})

describe('ipv4Number', () => {
  test('dotted addresses become unsigned integers', () => {
    expect(ipv4Number('0.0.0.0')).toBe(0)
    expect(ipv4Number('192.0.2.7')).toBe(0xc0000207)
    expect(ipv4Number('255.255.255.255')).toBe(0xffffffff)
  })

  test('anything else is -1', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '01234.1.1.1', '1.2.3.4 ', '::1', '1.2.3.a', '::ffff:1.2.3.4'])
      expect([bad, ipv4Number(bad)]).toEqual([bad, -1])
  })
})

describe('preferredLanguage', () => {
  test('the tag with the highest q wins, lower case; none sent is empty', () => {
    expect(preferredLanguage('de-CH, fr;q=0.9, en;q=0.8')).toBe('de-ch')
    expect(preferredLanguage('en;q=0.5, FI;q=0.9, *;q=1')).toBe('fi')
    expect(preferredLanguage('')).toBe('')
  })
})
