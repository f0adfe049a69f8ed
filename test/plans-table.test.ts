// The default plan table is the public contract's table, field by field, and the refusal of
// `never` names the plans of the configured table that allow it.
import { describe, expect, test } from 'bun:test'
import { DEFAULT_PLANS, parsePlans } from '../src/plans/table'
import { resolveExpiry } from '../src/links/expiry'
import { AppError } from '../src/errors'

const DAY = 86_400

describe('the default plan table', () => {
  test('matches the published table: price, links, clicks, requests per minute, bulk, max expiry, never, typed links, domains', () => {
    const rows = DEFAULT_PLANS.map((p) => [p.name, p.priceMonthly, p.linkLimit, p.clickLimit, p.rateLimitPerMinute, p.bulkLimit,
      p.maxExpirySeconds, p.maxExpirySeconds === null, p.typedLinks, p.domainLimit])
    expect(rows).toEqual([
      ['Free', 0, 50, 1_000, 30, 10, 7 * DAY, false, false, 0],
      ['Core', 8, 100, 10_000, 120, 50, 365 * DAY, false, true, 1],
      ['Pro', 20, 1_000, 100_000, 200, 100, null, true, true, 10],
      ['Business', 100, 100_000, 10_000_000, 1_000, 1_000, null, true, true, 100],
    ])
  })
})

describe('expiresIn never', () => {
  const now = new Date('2030-01-01T00:00:00Z')
  const refusal = (planName: string, plans = DEFAULT_PLANS) => {
    try {
      resolveExpiry('never', plans.find((p) => p.name === planName)!, now, plans)
    } catch (e) {
      return e as AppError
    }
    return null
  }

  test('is refused with 403 below Pro, naming Pro and Business (Core is a paid plan too)', () => {
    for (const name of ['Free', 'Core']) {
      const e = refusal(name)!
      expect(e).toBeInstanceOf(AppError)
      expect(e.status).toBe(403)
      expect(e.code).toBe('FORBIDDEN')
      expect(e.details.field).toBe('expiresIn')
      expect(e.message).toContain('need the Pro or Business plan')
      expect(e.message).not.toContain('paid')
    }
    expect(refusal('Core')!.message).toContain('the Core plan keeps links at most 365 days')
  })

  test('is allowed on Pro and Business', () => {
    expect(resolveExpiry('never', DEFAULT_PLANS[2], now, DEFAULT_PLANS)).toBeNull()
    expect(resolveExpiry('never', DEFAULT_PLANS[3], now, DEFAULT_PLANS)).toBeNull()
  })

  test('the refusal follows a plan table from PLANS_FILE', () => {
    const plans = parsePlans([
      { name: 'Hobby', priceMonthly: 0, linkLimit: 5, clickLimit: 5, rateLimitPerMinute: 5, bulkLimit: 1, domainLimit: 0, maxExpirySeconds: DAY },
      { name: 'Team', priceMonthly: 9, linkLimit: 5, clickLimit: 5, rateLimitPerMinute: 5, bulkLimit: 1, domainLimit: 0, maxExpirySeconds: null },
    ])
    expect(refusal('Hobby', plans)!.message).toBe('Links that never expire need the Team plan; the Hobby plan keeps links at most 1 day')
  })
})
