// The smart part of a cached link entry: through the arena and Redis's text unchanged, absent
// (null) on a plain link, and a plain link's visit still answered synchronously from the cache.
import { describe, expect, test } from 'bun:test'
import { ArenaLru } from '../src/redirect/arena-lru'
import { entryCodec, fromSharedText, toSharedText } from '../src/redirect/entry-codec'
import { type Cached, type LinkEntry, toLinkEntry } from '../src/redirect/link-entry'

const base: LinkEntry = { id: 'lnk_1', ownerId: 'usr_1', target: 'https://example.com/a', status: 'ACTIVE', expiresAt: 0, singleUse: false, kind: 'url', smart: null }
const smart: LinkEntry = {
  ...base, id: 'lnk_2', expiresAt: 1_767_225_600_000,
  smart: { pw: '$argon2id$v=19$m=65536,t=2,p=1$abc$def', max: 12, exp: 'https://example.com/ended', og: { title: 'Ü "t" <x>', image: 'https://cdn.example/i.png' }, route: '{"u":{"source":"qr"}}' },
}

describe('smart link entries', () => {
  test('round trip through the arena, with and without a target and an expiry', () => {
    const lru = new ArenaLru<Cached>({ max: 10, ttlMs: 0, codec: entryCodec, now: () => 1 })
    const typed: LinkEntry = { ...smart, id: 'lnk_3', target: null, kind: 'text', expiresAt: 0, smart: { pw: null, max: 3, exp: null, og: null, route: null } }
    for (const e of [base, smart, typed]) lru.set(e.id, e)
    for (const e of [base, smart, typed]) expect(lru.get(e.id)).toEqual(e)
  })

  test('round trip through Redis\'s text; an entry of the older layout is not read', () => {
    expect(fromSharedText(toSharedText(smart))).toEqual(smart)
    expect(fromSharedText(`v1:${JSON.stringify({ ...base, smart: undefined })}`)).toBeUndefined()
  })

  test('a row without any smart field makes smart null; each field alone makes it set', () => {
    const row = { id: 'lnk_1', userId: 'usr_1', originalUrl: 'https://example.com/a', status: 'ACTIVE' as const, expiresAt: null, singleUse: false, kind: 'url' as const }
    expect(toLinkEntry({ ...row, passwordHash: null, maxClicks: null, expiredUrl: null, og: null }).smart).toBeNull()
    expect(toLinkEntry({ ...row, maxClicks: 5 }).smart).toEqual({ pw: null, max: 5, exp: null, og: null, route: null })
    expect(toLinkEntry({ ...row, passwordHash: 'h' }).smart?.pw).toBe('h')
    expect(toLinkEntry({ ...row, expiredUrl: 'https://x.example/' }).smart?.exp).toBe('https://x.example/')
    expect(toLinkEntry({ ...row, og: { title: 't' } }).smart?.og).toEqual({ title: 't' })
    expect(toLinkEntry({ ...row, utm: { source: 'mail' } }).smart?.route).toBe('{"u":{"source":"mail"}}')
  })
})
