// Tags per account: CRUD with colours, many per link, links listed by tags (any or all).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('tags on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const tag = async (name: string, color?: string) => (await h.api('POST', '/api/v1/tags', { body: { name, color } })).body.data
  const slugs = async (q: string) => (await h.api('GET', `/api/v1/links?${q}`)).body.data.content.map((l: { slug: string }) => l.slug).sort()

  test('tags on links, and the list filtered by any or all of them', async () => {
    const red = await tag('red', '#EF4444')
    const blue = await tag('blue')
    expect(red.color).toBe('#ef4444')
    expect(blue.color).toMatch(/^#[0-9a-f]{6}$/)
    await h.createLink({ url: 'https://example.com/1', slug: 'tg-both', tagIds: [red.id, blue.id, red.id] })
    await h.createLink({ url: 'https://example.com/2', slug: 'tg-red', tagIds: [red.id] })
    await h.createLink({ url: 'https://example.com/3', slug: 'tg-none' })
    expect((await h.api('GET', '/api/v1/links/tg-both')).body.data.tagIds).toEqual([red.id, blue.id])
    expect(await slugs(`tags=${red.id}`)).toEqual(['tg-both', 'tg-red'])
    expect(await slugs(`tags=${red.id},${blue.id}&tagMode=any`)).toEqual(['tg-both', 'tg-red'])
    expect(await slugs(`tags=${red.id},${blue.id}&tagMode=all`)).toEqual(['tg-both'])
    const page = await h.api('GET', `/api/v1/links?tags=${blue.id}`)
    expect(page.body.data.total).toBe(1)
    const list = (await h.api('GET', '/api/v1/tags')).body.data
    expect(list.map((t: { name: string; links: number }) => [t.name, t.links])).toEqual([['blue', 1], ['red', 2]])
  })

  test('renaming, recolouring and deleting; a deleted tag leaves every link', async () => {
    const green = await tag('green')
    await h.createLink({ url: 'https://example.com/g', slug: 'tg-green', tagIds: [green.id] })
    const r = await h.api('PATCH', `/api/v1/tags/${green.id}`, { body: { name: 'lime', color: '#84cc16' } })
    expect(r.body.data).toMatchObject({ name: 'lime', color: '#84cc16', links: 1 })
    expect((await h.api('PATCH', `/api/v1/tags/${green.id}`, { body: { name: 'red' } })).status).toBe(409)
    expect((await h.api('DELETE', `/api/v1/tags/${green.id}`)).status).toBe(200)
    expect((await h.api('GET', '/api/v1/links/tg-green')).body.data.tagIds).toEqual([])
    expect((await h.api('GET', `/api/v1/tags/${green.id}`)).status).toBe(404)
    const cleared = await h.api('PATCH', '/api/v1/links/tg-red', { body: { tagIds: [] } })
    expect(cleared.body.data.tagIds).toEqual([])
  })

  test('validation: names, colours, unknown or another account\'s tag ids', async () => {
    expect((await h.api('POST', '/api/v1/tags', { body: { name: 'red' } })).status).toBe(409)
    for (const body of [{ name: '' }, { name: ' ' }, { name: 'x'.repeat(51) }, { name: 'c', color: 'red' }, { name: 'c', color: '#12345' }, {}]) {
      const r = await h.api('POST', '/api/v1/tags', { body })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.field).toBeTruthy()
    }
    const other = await createUser(h, { plan: 'Pro' })
    const theirs = (await h.api('POST', '/api/v1/tags', { key: other.key, body: { name: 'theirs' } })).body.data
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', tagIds: [theirs.id] } })
    expect(r.status).toBe(400)
    expect(r.body.error.field).toBe('tagIds')
    expect((await h.api('GET', `/api/v1/tags/${theirs.id}`)).status).toBe(404)
    expect((await h.api('DELETE', `/api/v1/tags/${theirs.id}`)).status).toBe(404)
    const many = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', tagIds: Array.from({ length: 21 }, (_, i) => `t${i}`) } })
    expect(many.status).toBe(400)
  })
})
