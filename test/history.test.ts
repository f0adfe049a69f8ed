// GET /api/v1/links/{idOrSlug}/history: the creation, then each change away from ACTIVE with its
// reason; another account's link is not found.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe('link status history', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(() => h?.close())

  test('a new link has only its creation, and is ACTIVE', async () => {
    const link = await h.createLink({ url: 'https://example.com/a', slug: 'hist-new' })
    const res = await h.api('GET', '/api/v1/links/hist-new/history')
    expect(res.status).toBe(200)
    expect(res.body.data.status).toBe('ACTIVE')
    expect(res.body.data.entries).toEqual([{ at: link.createdAt, event: 'created', status: 'ACTIVE', reason: null }])
  })

  test('disabling a link adds a disabled entry with reason manual; enabling again changes the status now', async () => {
    await h.createLink({ url: 'https://example.com/b', slug: 'hist-off' })
    expect((await h.api('PATCH', '/api/v1/links/hist-off', { body: { status: 'DISABLED' } })).status).toBe(200)
    let res = await h.api('GET', '/api/v1/links/hist-off/history')
    expect(res.body.data.status).toBe('DISABLED')
    expect(res.body.data.entries.map((e: any) => [e.event, e.status, e.reason])).toEqual([['created', 'ACTIVE', null], ['disabled', 'DISABLED', 'manual']])
    expect(Date.parse(res.body.data.entries[1].at)).toBeGreaterThanOrEqual(Date.parse(res.body.data.entries[0].at))
    await h.api('PATCH', '/api/v1/links/hist-off', { body: { status: 'ACTIVE' } })
    res = await h.api('GET', '/api/v1/links/hist-off/history')
    expect(res.body.data.status).toBe('ACTIVE')
  })

  test('an unknown link, or another account\'s, is 404 LINK_NOT_FOUND', async () => {
    const res = await h.api('GET', '/api/v1/links/no-such-link/history')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('LINK_NOT_FOUND')
    const other = await createUser(h)
    const theirs = await h.api('GET', '/api/v1/links/hist-new/history', { key: other.key })
    expect(theirs.status).toBe(404)
  })

  test('without credentials the history is 401', async () => {
    expect((await h.api('GET', '/api/v1/links/hist-new/history', { key: null })).status).toBe(401)
  })
})
