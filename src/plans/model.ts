// Schemas of the plans list: every plan of the table with its limits, cheapest first.
import { t } from 'elysia'
import { ok } from '../shared/envelope'
import type { Plan } from './table'

const plan = t.Object({
  name: t.String(),
  priceMonthly: t.Number(),
  linkLimit: t.Number(),
  clickLimit: t.Number(),
  rateLimitPerMinute: t.Number(),
  accountRateLimitPerMinute: t.Number(),
  bulkLimit: t.Number(),
  maxExpirySeconds: t.Nullable(t.Number({ description: 'Longest expiry in seconds; null is any, including `never`' })),
  typedLinks: t.Boolean(),
  domainLimit: t.Number(),
  keyLimit: t.Number(),
})

export const responses = { list: ok(t.Object({ plans: t.Array(plan), current: t.String() })) }

export const toPlan = (p: Plan) => ({
  name: p.name, priceMonthly: p.priceMonthly, linkLimit: p.linkLimit, clickLimit: p.clickLimit,
  rateLimitPerMinute: p.rateLimitPerMinute, accountRateLimitPerMinute: p.accountRateLimitPerMinute, bulkLimit: p.bulkLimit,
  maxExpirySeconds: p.maxExpirySeconds, typedLinks: p.typedLinks, domainLimit: p.domainLimit, keyLimit: p.keyLimit,
})
