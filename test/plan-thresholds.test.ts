// A click batch that jumps over both thresholds sends both events, the warning first, once each.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { events, usagePeriods } from '../src/db/schema'
import { currentPeriod } from '../src/plans/period'
import { notifyUsageThresholdsOf } from '../src/plans/thresholds'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('usage thresholds on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const planEvents = async (userId: string) => (await h.deps.db.select().from(events).where(eq(events.userId, userId)))
    .filter((e) => e.type.startsWith('plan.'))

  test('a click batch from below 90 % to past 100 % sends plan.limit_warning and then plan.limit_reached', async () => {
    const user = await createUser(h, { plan: 'Free' })
    const start = currentPeriod(h.deps.now()).start
    await h.deps.db.insert(usagePeriods).values({ userId: user.id, periodStart: start, clicks: 500 })
    // One batch of 700 clicks: 500 → 1,200 of Free's 1,000.
    await h.deps.db.update(usagePeriods).set({ clicks: 1_200 }).where(eq(usagePeriods.userId, user.id))
    await h.deps.db.transaction((tx) => notifyUsageThresholdsOf(tx, h.config.plans, [{ userId: user.id, periodStart: start }]))
    const fired = await planEvents(user.id)
    expect(fired.map((e) => e.type).sort()).toEqual(['plan.limit_reached', 'plan.limit_warning'])
    expect(fired.find((e) => e.type === 'plan.limit_warning')!.data).toMatchObject({ limitType: 'clicks', limit: 1_000, used: 1_200, percentUsed: 120 })
    expect(fired.find((e) => e.type === 'plan.limit_reached')!.data).toMatchObject({ limitType: 'clicks', limit: 1_000, used: 1_200 })
    // The warning is written first (one insert, in this order).
    const [row] = await h.deps.db.select({ notified: usagePeriods.notified }).from(usagePeriods).where(eq(usagePeriods.userId, user.id))
    expect(row.notified).toEqual(['clicks:90', 'clicks:100'])
  })

  test('each level is sent once however many batches and concurrent transactions follow', async () => {
    const user = await createUser(h, { plan: 'Free' })
    const start = currentPeriod(h.deps.now()).start
    await h.deps.db.insert(usagePeriods).values({ userId: user.id, periodStart: start, clicks: 950 })
    const touched = [{ userId: user.id, periodStart: start }]
    await h.deps.db.transaction((tx) => notifyUsageThresholdsOf(tx, h.config.plans, touched))
    await h.deps.db.update(usagePeriods).set({ clicks: 5_000 }).where(eq(usagePeriods.userId, user.id))
    await Promise.all([1, 2, 3].map(() => h.deps.db.transaction((tx) => notifyUsageThresholdsOf(tx, h.config.plans, touched))))
    expect((await planEvents(user.id)).map((e) => e.type).sort()).toEqual(['plan.limit_reached', 'plan.limit_warning'])
  })
})
