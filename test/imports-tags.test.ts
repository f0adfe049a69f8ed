// Imported rows keep their tags: each tag name becomes one of the account's tags (an existing one
// of that name is reused, a missing one created in the default colour) and is set on the link.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHarness, engines, redisUrl, type Harness } from './support/harness'
import { createUser } from './support/users'
import { MAX_TAGS_PER_ACCOUNT } from '../src/tags/model'

setDefaultTimeout(60_000)

const bitly = readFileSync(join(import.meta.dir, 'fixtures', 'imports', 'bitly.csv'), 'utf8')

describe.each(engines)('imported tags on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: !!redisUrl }) }, 120_000)
  afterAll(() => h?.close())

  async function importFile(key: string, body: string) {
    const r = await h.api('POST', '/api/v1/imports', { key, body, headers: { 'content-type': 'text/csv' } })
    expect(r.status).toBe(202)
    for (let i = 0; i < 400; i++) {
      const s = await h.api('GET', `/api/v1/imports/${r.body.data.id}`, { key })
      if (s.body.data.status === 'DONE' || s.body.data.status === 'FAILED') return s.body.data
      await Bun.sleep(25)
    }
    throw new Error('the import did not finish')
  }
  const tagsOf = async (key: string) => (await h.api('GET', '/api/v1/tags', { key })).body.data as { id: string; name: string; color: string; links: number }[]
  const linkTags = async (key: string, slug: string) => (await h.api('GET', `/api/v1/links/${slug}`, { key })).body.data.tagIds as string[]

  test('a Bitly export\'s tags become the account\'s tags, on the links that had them; an existing tag is reused', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const print = (await h.api('POST', '/api/v1/tags', { key: u.key, body: { name: 'print', color: '#ff0000' } })).body.data
    const done = await importFile(u.key, bitly)
    expect(done).toMatchObject({ status: 'DONE', created: 3, failed: 0 })
    const tags = await tagsOf(u.key)
    expect(tags.map((t) => [t.name, t.links]).sort()).toEqual([['hr', 1], ['launch', 1], ['print', 1]])
    const byName = new Map(tags.map((t) => [t.name, t]))
    expect(byName.get('print')).toMatchObject({ id: print.id, color: '#ff0000' })
    expect(byName.get('launch')!.color).toBe('#6b7280')
    expect(await linkTags(u.key, '3xYzAbc')).toEqual([print.id, byName.get('launch')!.id])
    expect(await linkTags(u.key, 'our-menu')).toEqual([])
    expect(await linkTags(u.key, 'jobs2024')).toEqual([byName.get('hr')!.id])
  })

  test('a name on several rows is one tag; names are trimmed and repeats counted once', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    await importFile(u.key, 'url,slug,tags\nhttps://example.com/1,it-one,"news, promo"\nhttps://example.com/2,it-two,"promo|promo| news "\n')
    const tags = await tagsOf(u.key)
    expect(tags.map((t) => [t.name, t.links])).toEqual([['news', 2], ['promo', 2]])
    expect(await linkTags(u.key, 'it-two')).toEqual([tags[1].id, tags[0].id])
  })

  test('a row whose tags would pass the account\'s tag limit fails with its reason; the others are imported', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const { tags } = await import('../src/db/schema')
    await h.deps.db.insert(tags).values(Array.from({ length: MAX_TAGS_PER_ACCOUNT - 1 }, (_, i) => ({
      id: `tag_fill${u.id.slice(4, 12)}${i}`, userId: u.id, name: `t${i}`, color: '#000000', createdAt: new Date(),
    })))
    const done = await importFile(u.key, 'url,slug,tags\nhttps://example.com/1,lim-one,"t1,new-a,new-b"\nhttps://example.com/2,lim-two,"t2,new-c"\n')
    expect(done).toMatchObject({ status: 'DONE', created: 1, failed: 1, errors: [{ row: 1, code: 'VALIDATION_ERROR' }] })
    expect(done.errors[0].reason).toContain(`at most ${MAX_TAGS_PER_ACCOUNT} tags`)
    expect((await h.api('GET', '/api/v1/links/lim-one', { key: u.key })).status).toBe(404)
    expect((await linkTags(u.key, 'lim-two')).length).toBe(2)
  })
})
