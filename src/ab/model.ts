// Request and response schemas of a link's A/B test results and of ending the test.
import { t } from 'elysia'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { link } from '../links/model'
import { VARIANT_KEYS } from '../rules/model'

export const idParam = t.Object({ idOrSlug: t.String({ minLength: 1, maxLength: 200 }) })
export const resultsQuery = t.Object({
  conversions: t.Optional(t.String({
    maxLength: 200, pattern: '^[A-Da-d]:\\d{1,12}(,[A-Da-d]:\\d{1,12})*$',
    description: 'Goal conversions per variant, as `A:12,B:30`: each variant\'s goal rate is conversions / unique visitors, and each '
      + 'variant is compared with A by a two-proportion z-test', examples: ['A:12,B:30'],
  })),
  bots: t.Optional(t.UnionEnum(['exclude', 'include'], { default: 'exclude' })),
})
export const endBody = t.Object({ winner: oneOf(VARIANT_KEYS, { description: 'The variant whose url becomes the link\'s originalUrl' }) })

const variant = t.Object({
  key: t.String({ examples: ['A'] }),
  url: t.String(),
  weight: t.Number(),
  clicks: t.Number(),
  visitors: t.Number({ description: 'Unique visitors (per day)' }),
  share: t.Number({ description: 'Share of the test\'s clicks, 0-1' }),
  conversions: t.Nullable(t.Number()),
  goalRate: t.Nullable(t.Number({ description: 'conversions / visitors' })),
  pValue: t.Nullable(t.Number({ description: 'Two-sided p-value against A (null for A itself, or without conversions)' })),
})

export const responses = {
  results: ok(t.Object({ active: t.Boolean(), totalClicks: t.Number(), variants: t.Array(variant) })),
  ended: ok(link),
}
