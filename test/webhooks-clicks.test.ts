// link.clicked: from the redirect through the click plane (chDB) and the outbox to an endpoint.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { batchOf, mergeBatches, type EnrichedBatch } from '../src/clicks/batch'
import type { ClickRow } from '../src/clicks/click-row'
import { eq } from 'drizzle-orm'
import { recordClickEvents } from '../src/clicks/click-events'
import { CLICK_EVENTS_PER_BATCH, type ClickFact } from '../src/clicks/click-facts'
import { SpillLog } from '../src/clicks/spill'
import { silentLogger } from '../src/shared/log'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { events, links } from '../src/db/schema'
import { shortUrlBaseOf } from '../src/links/present'
import { dispatchWebhooks } from '../src/webhooks/dispatcher'
import type { Running } from '../src/server'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { CHROME, GOOGLEBOT, IPHONE } from './support/clicks'
import { startReceiver, type Receiver } from './support/webhook-receiver'

describe('link.clicked webhooks', () => {
  let h: Harness
  let s: Running
  let rx: Receiver
  beforeAll(async () => {
    rx = startReceiver()
    h = await createHarness({ clickhouse: true, env: { TRUST_PROXY: 'true', CLICK_FLUSH_MS: '60000', WEBHOOK_ALLOW_PRIVATE: 'true' } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    rx.close()
  })
  const click = (slug: string, ua: string, ip: string, referer = '') =>
    fetch(`${s.url}/${slug}`, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': ip, ...(referer ? { referer } : {}) } })

  test("each human click of a subscriber's link is announced once, enriched; bots and other accounts are not", async () => {
    const hook = await h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.clicked'] } })
    expect(hook.status).toBe(201)
    const link = await h.createLink({ url: 'https://example.com/clicked', slug: 'wh-clicked' })
    const other = await createUser(h)
    const theirs = await h.api('POST', '/api/v1/links', { key: other.key, body: { url: 'https://example.com/theirs', slug: 'wh-theirs' } })
    expect(theirs.status).toBe(201)

    expect((await click('wh-clicked', CHROME, '8.8.8.8', 'https://www.twitter.com/post/1')).status).toBe(302)
    expect((await click('wh-clicked', IPHONE, '81.2.69.160')).status).toBe(302)
    expect((await click('wh-clicked', GOOGLEBOT, '66.249.66.1')).status).toBe(302)
    expect((await click('wh-theirs', CHROME, '8.8.4.4')).status).toBe(302)
    await h.deps.clicks.flush()
    await dispatchWebhooks(h.deps)
    await h.deps.clicks.flush() // nothing new: nothing announced twice
    await dispatchWebhooks(h.deps)

    const got = rx.received.map((r) => r.json)
    expect(got.map((e) => e.event)).toEqual(['link.clicked', 'link.clicked'])
    const byDevice = Object.fromEntries(got.map((e) => [e.data.device, e.data]))
    expect(byDevice.Desktop).toMatchObject({
      shortCode: 'wh-clicked', shortUrl: link.shortUrl, originalUrl: 'https://example.com/clicked',
      country: 'United States', countryCode: 'US', browser: 'Chrome', referrer: 'twitter.com',
    })
    expect(byDevice.Mobile).toMatchObject({ shortCode: 'wh-clicked', country: 'United Kingdom', countryCode: 'GB', browser: 'Mobile Safari' })
    for (const e of got) expect(Math.abs(Date.parse(e.data.clickedAt) - Date.now())).toBeLessThan(60_000)
  })
})

describe('link.clicked events of a replayed batch', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(() => h.close())

  test('a batch counted twice (a replay after a lost acknowledgement) writes each click event once', async () => {
    const link = await h.createLink({ url: 'https://example.com/replayed' })
    const [{ ownerId }] = await h.deps.db.select({ ownerId: links.userId }).from(links).where(eq(links.id, link.id))
    const facts: ClickFact[] = [crypto.randomUUID(), crypto.randomUUID()].map((clickId) => ({
      clickId, linkId: link.id, ownerId, clickedAt: new Date().toISOString(),
      country: 'Germany', countryCode: 'DE', city: '', device: 'Desktop', browser: 'Firefox', referrer: '',
    }))
    const base = shortUrlBaseOf(h.config.baseUrl)
    for (let i = 0; i < 2; i++) await h.deps.db.transaction((tx) => recordClickEvents(tx, base, facts))
    const written = await h.deps.db.select().from(events).where(eq(events.type, 'link.clicked'))
    expect(written.map((e) => e.id).sort()).toEqual(facts.map((f) => `evt_${f.clickId}`).sort())
    expect(written[0].data).toMatchObject({ shortCode: link.shortCode, shortUrl: link.shortUrl, country: 'Germany' })
  })
})

describe('link.clicked facts in an enriched batch', () => {
  const row = (over: Partial<ClickRow>): ClickRow => ({
    event_id: crypto.randomUUID(), ts: Date.UTC(2026, 10, 22, 8, 0, 0, 123), owner_id: 'usr_a', link_id: 'lnk_a', domain: '',
    country: 'DE', city: 'Berlin', device: 'desktop', browser: 'Firefox', os: 'Linux', referrer_host: '',
    utm_source: '', utm_medium: '', utm_campaign: '', is_bot: 0, bot_reason: '', visitor_hash: 1, ...over,
  })

  test("hold only the announced accounts' human clicks, and travel with the batch through the spill", async () => {
    const clicks = [row({ city: 'Tab\there', referrer_host: 'back\\slash.example' }), row({ owner_id: 'usr_b' }), row({ is_bot: 1, bot_reason: 'ua' })]
    const batch = batchOf(clicks, new Set(['usr_a']))
    expect(batch.facts).toEqual([{
      clickId: clicks[0].event_id, linkId: 'lnk_a', ownerId: 'usr_a', clickedAt: '2026-11-22T08:00:00.123Z',
      country: 'Germany', countryCode: 'DE', city: 'Tab\there', device: 'Desktop', browser: 'Firefox', referrer: 'back\\slash.example',
    }])
    expect(batchOf(clicks).facts).toEqual([])
    const dir = mkdtempSync(join(tmpdir(), 'kurz-facts-spill-'))
    try {
      const spill = new SpillLog(dir, silentLogger)
      await spill.append({ token: 't1', counted: false, ...batch })
      const replayed: EnrichedBatch[] = []
      await spill.replay(async (b) => { replayed.push(b) })
      expect(replayed.map((b) => b.facts)).toEqual([batch.facts])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test(`at most ${CLICK_EVENTS_PER_BATCH} are announced per account and batch, in a chunk and across chunks, and the rest are counted`, () => {
    const announced = new Set(['usr_a', 'usr_b'])
    const rows = Array.from({ length: CLICK_EVENTS_PER_BATCH + 5 }, () => row({}))
    rows.push(row({ owner_id: 'usr_b' }))
    const one = batchOf(rows, announced)
    expect(one.facts.filter((f) => f.ownerId === 'usr_a')).toHaveLength(CLICK_EVENTS_PER_BATCH)
    expect(one.facts.filter((f) => f.ownerId === 'usr_b')).toHaveLength(1)
    expect(one.factsSkipped).toBe(5)
    const merged = mergeBatches([one, batchOf([row({}), row({ owner_id: 'usr_b' })], announced)])
    expect(merged.facts.filter((f) => f.ownerId === 'usr_a')).toHaveLength(CLICK_EVENTS_PER_BATCH)
    expect(merged.facts.filter((f) => f.ownerId === 'usr_b')).toHaveLength(2)
    expect(merged.factsSkipped).toBe(6)
  })
})
