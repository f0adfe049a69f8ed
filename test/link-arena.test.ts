import { describe, expect, test } from 'bun:test'
import { ArenaLru } from '../src/redirect/arena-lru'
import { entryCodec } from '../src/redirect/entry-codec'
import { MISS, type Cached, type LinkEntry } from '../src/redirect/link-entry'

const link = (over: Partial<LinkEntry> = {}): LinkEntry => ({
  id: 'lnk_0001', ownerId: 'usr_0001', target: 'https://example.com/a', status: 'ACTIVE',
  expiresAt: 0, singleUse: false, kind: 'url', smart: null, ...over,
})

function arena(max: number, ttlMs = 0) {
  let clock = 1000
  const lru = new ArenaLru<Cached>({ max, ttlMs, codec: entryCodec, now: () => clock })
  return { lru, advance: (ms: number) => void (clock += ms) }
}

/** A seeded generator, so a failing sequence can be replayed. */
function random(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    return seed / 2 ** 32
  }
}

describe('ArenaLru of links', () => {
  test('every field of a link comes back as it went in', () => {
    const { lru } = arena(100)
    const entries: LinkEntry[] = [
      link(),
      link({ id: '9f1c2d3e-uuid-or-not', ownerId: 'ü-owner-🚀', target: 'https://例え.jp/パス?q=ü&e=😀#frag', status: 'EXPIRED', expiresAt: 1_767_225_600_123.5, singleUse: true }),
      link({ id: '', ownerId: '', target: '', status: 'USED', kind: 'url' }),
      link({ target: null, status: 'DISABLED', kind: 'wifi' }),
      link({ target: null, kind: 'vcard', expiresAt: Number.MAX_SAFE_INTEGER }),
      link({ target: null, kind: 'text', id: 'x'.repeat(70_000) }),
      // Around the one-byte length (below 64 bytes of UTF-8), in code units and in bytes.
      link({ id: 'a'.repeat(63), ownerId: 'b'.repeat(64), target: 'é'.repeat(31) }),
      link({ id: 'é'.repeat(32), ownerId: '😀'.repeat(16), target: '😀'.repeat(15) }),
    ]
    entries.forEach((e, i) => lru.set(`/k${i}`, e))
    entries.forEach((e, i) => expect(lru.get(`/k${i}`)).toEqual(e))
  })

  test('a miss is kept as a miss, not as absence', () => {
    const { lru } = arena(10)
    lru.set('/gone', MISS)
    expect(lru.get('/gone')).toBe(MISS)
    expect(lru.get('/never')).toBeUndefined()
  })

  test('keys are told apart by their exact text, unicode included', () => {
    const { lru } = arena(10)
    lru.set('bücher.example/a', link({ id: 'umlaut' }))
    lru.set('bucher.example/a', link({ id: 'plain' }))
    lru.set('b\u0075\u0308cher.example/a', link({ id: 'decomposed' }))
    expect((lru.get('bücher.example/a') as LinkEntry).id).toBe('umlaut')
    expect((lru.get('bucher.example/a') as LinkEntry).id).toBe('plain')
    expect((lru.get('b\u0075\u0308cher.example/a') as LinkEntry).id).toBe('decomposed')
    expect(lru.get('büchar.example/a')).toBeUndefined()
  })

  test('an entry expires after its own lifetime, and a miss may have a shorter one', () => {
    const { lru, advance } = arena(10, 1000)
    lru.set('/link', link())
    lru.set('/miss', MISS, 50)
    advance(49)
    expect(lru.get('/miss')).toBe(MISS)
    advance(1)
    expect(lru.get('/miss')).toBeUndefined()
    expect(lru.get('/link')).toEqual(link())
    advance(950)
    expect(lru.get('/link')).toBeUndefined()
    expect(lru.size).toBe(0)
  })

  test('a get tells how long ago the entry was last returned', () => {
    const { lru, advance } = arena(10)
    lru.set('/k', link())
    lru.get('/k')
    expect(lru.hitGapMs).toBeGreaterThan(1e9)
    advance(250)
    lru.get('/k')
    expect(lru.hitGapMs).toBe(250)
    lru.set('/k', link({ id: 'new' })) // a new value is not hot yet
    lru.get('/k')
    expect(lru.hitGapMs).toBeGreaterThan(1e9)
  })

  test('a lifetime of 0 never expires', () => {
    const { lru, advance } = arena(10, 0)
    lru.set('/k', link())
    advance(1e12)
    expect(lru.get('/k')).toEqual(link())
  })

  test('at capacity the least recently used entry goes first', () => {
    const { lru } = arena(3)
    for (const k of ['a', 'b', 'c']) lru.set(k, link({ id: k }))
    lru.get('a')
    lru.set('d', link({ id: 'd' }))
    expect(lru.get('b')).toBeUndefined()
    lru.set('c', link({ id: 'c2' })) // overwriting counts as a use
    lru.set('e', link({ id: 'e' }))
    expect(lru.get('a')).toBeUndefined()
    expect([...'cde'].map((k) => (lru.get(k) as LinkEntry).id)).toEqual(['c2', 'd', 'e'])
    expect(lru.size).toBe(3)
  })

  test('delete removes one key and reports whether it was there', () => {
    const { lru } = arena(10)
    lru.set('a', link({ id: 'a' }))
    lru.set('b', link({ id: 'b' }))
    expect(lru.delete('a')).toBe(true)
    expect(lru.delete('a')).toBe(false)
    expect(lru.get('a')).toBeUndefined()
    expect((lru.get('b') as LinkEntry).id).toBe('b')
    expect(lru.size).toBe(1)
  })

  test('clear forgets everything and the arena works on', () => {
    const { lru } = arena(5000)
    for (let i = 0; i < 3000; i++) lru.set(`/${i}`, link({ id: String(i) }))
    const grown = lru.memoryBytes
    lru.clear()
    expect(lru.size).toBe(0)
    expect(lru.get('/1')).toBeUndefined()
    expect(lru.memoryBytes).toBeLessThan(grown)
    lru.set('/1', link({ id: 'again' }))
    expect((lru.get('/1') as LinkEntry).id).toBe('again')
  })

  test('overwriting with a longer or a shorter value keeps only the new one', () => {
    const { lru } = arena(10)
    const long = link({ target: `https://example.com/${'x'.repeat(5000)}` })
    lru.set('k', link())
    lru.set('k', long)
    expect(lru.get('k')).toEqual(long)
    lru.set('k', MISS)
    expect(lru.get('k')).toBe(MISS)
    lru.set('k', link({ target: null, kind: 'text' }))
    expect(lru.get('k')).toEqual(link({ target: null, kind: 'text' }))
    expect(lru.size).toBe(1)
  })

  test('memory stays bounded by max under endless churn', () => {
    const { lru } = arena(10_000)
    const churn = (from: number, to: number) => {
      for (let i = from; i < to; i++) lru.set(`/churn/${i}`, link({ id: `lnk_${i}`, target: `https://example.com/${i}` }))
    }
    churn(0, 150_000)
    const held = lru.memoryBytes
    churn(150_000, 300_000)
    expect(lru.size).toBe(10_000)
    expect(lru.memoryBytes).toBe(held)
    expect(held).toBeLessThan(5 * 2 ** 20)
    expect((lru.get('/churn/299999') as LinkEntry).id).toBe('lnk_299999')
    expect((lru.get('/churn/290000') as LinkEntry).id).toBe('lnk_290000')
    expect(lru.get('/churn/289999')).toBeUndefined()
  })

  test('a value too large for a segment is not kept, nor the one it would replace', () => {
    const { lru } = arena(10)
    lru.set('/big', link())
    lru.set('/big', link({ target: `https://example.com/${'é'.repeat(600_000)}` }))
    expect(lru.get('/big')).toBeUndefined()
    expect(lru.size).toBe(0)
  })

  test('200k entries with random deletes agree with a Map', () => {
    const { lru } = arena(300_000)
    const model = new Map<string, Cached>()
    const next = random(42)
    for (let i = 0; i < 200_000; i++) {
      const key = `/m${i}`
      const value: Cached = i % 7 === 0 ? MISS : link({ id: `id-${i}`, target: i % 11 === 0 ? null : `https://e.com/${'p'.repeat(i % 90)}${i}` })
      lru.set(key, value)
      model.set(key, value)
      if (next() < 0.3) {
        const victim = `/m${Math.floor(next() * (i + 1))}`
        expect(lru.delete(victim)).toBe(model.delete(victim))
      }
    }
    expect(lru.size).toBe(model.size)
    for (let i = 0; i < 200_000; i++) expect(lru.get(`/m${i}`)).toEqual(model.get(`/m${i}`))
  })

  test('random sets, gets, overwrites and deletes at capacity agree with an LRU model', () => {
    const max = 5000
    const { lru } = arena(max)
    // A Map keeps insertion order: re-inserting on use makes its first key the least recent.
    const model = new Map<string, Cached>()
    const use = (k: string, v: Cached) => { model.delete(k); model.set(k, v) }
    const next = random(7)
    for (let i = 0; i < 200_000; i++) {
      const key = `/r${Math.floor(next() * 20_000)}`
      const roll = next()
      if (roll < 0.5) {
        const value: Cached = roll < 0.05 ? MISS : link({ id: `v${i}`, target: 'x'.repeat(Math.floor(next() * 300)) })
        lru.set(key, value)
        use(key, value)
        if (model.size > max) model.delete(model.keys().next().value!)
      } else if (roll < 0.8) {
        const expected = model.get(key)
        expect(lru.get(key)).toEqual(expected!)
        if (expected !== undefined) use(key, expected)
      } else expect(lru.delete(key)).toBe(model.delete(key))
    }
    expect(lru.size).toBe(model.size)
  })
})
