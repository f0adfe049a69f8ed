// Request and response schemas of the UTM templates API and the breakdown analytics.
import { t } from 'elysia'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { utm } from '../rules/model'

const name = t.String({ minLength: 1, maxLength: 100, description: 'Unique per account', examples: ['Newsletter'] })
export const createTemplateBody = t.Object({ name, utm })
export const updateTemplateBody = t.Object({ name: t.Optional(name), utm: t.Optional(utm) })
export const templateIdParam = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })

export const template = t.Object({
  id: t.String({ examples: ['utm_0a1b2c3d4e5f6g7h8i9j'] }),
  name: t.String({ examples: ['Newsletter'] }),
  utm,
  createdAt: t.String(),
  updatedAt: t.String(),
})

export const BREAKDOWN_DIMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'variant', 'country', 'device', 'browser', 'os', 'referrer', 'link'] as const
export const breakdownQuery = t.Object({
  by: oneOf(BREAKDOWN_DIMS, { description: 'The dimension to group clicks by' }),
  tag: t.Optional(t.String({ minLength: 1, maxLength: 100, description: 'Only clicks of links with this tag id' })),
  range: t.Optional(t.UnionEnum(['7d', '30d', '90d', 'all'], { default: '7d' })),
  bots: t.Optional(t.UnionEnum(['exclude', 'include'], { default: 'exclude' })),
})

export const responses = {
  one: ok(template),
  list: ok(t.Array(template)),
  deleted: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
  breakdown: ok(t.Object({
    by: t.String(),
    summary: t.Object({ totalClicks: t.Number(), uniqueClicks: t.Number() }),
    rows: t.Array(t.Object({
      name: t.String({ description: 'The value (for `link`, the link id); \'\' for clicks without one' }),
      clicks: t.Number(), visitors: t.Number({ description: 'Unique visitors (per day)' }),
    }), { examples: [[{ name: 'newsletter', clicks: 120, visitors: 97 }]] }),
  })),
}
