import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { and, eq, inArray } from 'drizzle-orm'
import { events, links } from '../src/db/schema'
import { addClickCounts } from '../src/clicks/counters'
import { countByLink } from '../src/clicks/batch'
import type { ClickRow } from '../src/clicks/click-row'
import { DEFAULT_PLANS, type Plan } from '../src/plans/table'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

const plans: Plan[] = DEFAULT_PLANS.map((p) => (p.name === 'Free' ? { ...p, clickLimit: 10 } : p))

const clicks = (linkId: string, ownerId: string, n: number): ClickRow[] =>
  Array.from({ length: n }, (_, i) => ({
    event_id: crypto.randomUUID(), ts: Date.now(), owner_id: ownerId, link_id: linkId, domain: '', country: '', city: '',
    device: '', browser: '', os: '', referrer_host: '', utm_source: '', utm_medium: '', utm_campaign: '',
    is_bot: 0, bot_reason: '', visitor_hash: i,
  }))

describe.each(engines)('click limits on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('a click batch fires plan.limit_warning at 90 % and plan.limit_reached at 100 %, once each per period', async () => {
    const user = await createUser(h, { plan: 'Free' })
    const made = await h.api('POST', '/api/v1/links', { key: user.key, body: { url: 'https://example.com/c', slug: 'thresholds' } })
    expect(made.status).toBe(201)
    const linkId = made.body.data.id
    const fired = async () => (await h.deps.db.select().from(events)
      .where(and(eq(events.userId, user.id), inArray(events.type, ['plan.limit_warning', 'plan.limit_reached'])))).map((e) => [e.type, (e.data as any).limitType, (e.data as any).used])
      // (rows come back in no set order: by the count each event names)
      .sort((a, b) => a[2] - b[2])

    await addClickCounts(h.deps.db, plans, { counts: countByLink(clicks(linkId, user.id, 9)) })
    expect(await fired()).toEqual([['plan.limit_warning', 'clicks', 9]])
    await addClickCounts(h.deps.db, plans, { counts: countByLink(clicks(linkId, user.id, 1)) })
    await addClickCounts(h.deps.db, plans, { counts: countByLink(clicks(linkId, user.id, 5)) })
    expect(await fired()).toEqual([['plan.limit_warning', 'clicks', 9], ['plan.limit_reached', 'clicks', 10]])
    // Redirects never stop because of a plan: the clicks past the limit are still counted.
    const [row] = await h.deps.db.select({ clicks: links.clicks }).from(links).where(eq(links.id, linkId))
    expect(row.clicks).toBe(15)
  })
})
