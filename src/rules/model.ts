// Schemas of the smart-link fields of a link: routing rules, the A/B test and UTM values.
import { t, type Static } from 'elysia'
import { oneOf } from '../shared/schema'

export const CONDITION_TYPES = ['country', 'city', 'device', 'os', 'browser', 'language', 'after', 'before', 'query', 'ip'] as const

export const condition = t.Object({
  type: oneOf(CONDITION_TYPES, { description: 'What the condition reads of the visit' }),
  values: t.Optional(t.Array(t.String({ minLength: 1, maxLength: 200 }), {
    minItems: 1, maxItems: 50,
    description: 'Any of these holds (case-insensitive): ISO country codes, city names, device types (mobile, tablet, desktop, ...), '
      + 'OS names (iOS, Android, Windows, Mac OS, ...), browser names, language tags (`de` matches `de-AT`; the visitor\'s first '
      + 'Accept-Language), or CIDR blocks for `ip`',
  })),
  at: t.Optional(t.String({ description: 'ISO 8601 instant, for `after` (at or after it) and `before` (strictly before it)' })),
  param: t.Optional(t.String({ minLength: 1, maxLength: 100, description: 'The query parameter of the short URL, for `query`' })),
  equals: t.Optional(t.String({ maxLength: 500, description: 'For `query`: the value it must have; left out, the parameter need only be present' })),
}, { additionalProperties: false, examples: [{ type: 'os', values: ['iOS'] }] })
export type Condition = Static<typeof condition>

export const rule = t.Object({
  conditions: t.Array(condition, { minItems: 1, maxItems: 10, description: 'All of them must hold' }),
  url: t.String({ description: 'Where the visitor goes when the rule wins (the same safety checks as originalUrl)' }),
})
export type Rule = Static<typeof rule>

export const MAX_RULES = 20
export const rules = t.Array(rule, {
  maxItems: MAX_RULES,
  description: 'Routing rules, in order: the first whose conditions all hold sends the visitor to its url; none: the A/B test or originalUrl',
  examples: [[
    { conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://apps.apple.com/app/id123' },
    { conditions: [{ type: 'country', values: ['DE', 'AT'] }, { type: 'language', values: ['de'] }], url: 'https://example.com/de' },
  ]],
})

export const VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const
export const abTest = t.Object({
  variants: t.Array(t.Object({
    url: t.String({ description: 'The variant\'s destination' }),
    // (a whole number by multipleOf, not t.Integer: Elysia's t.Integer is a transform, and one
    // transform anywhere in a response schema makes Elysia encode every answer of the route value
    // by value, a millisecond for a page of 100 links)
    weight: t.Number({ multipleOf: 1, minimum: 5, maximum: 95, description: 'Percent of visitors (a whole number); the weights sum to 100' }),
  }), { minItems: 2, maxItems: 4, description: 'Variants A, B, C, D in this order' }),
}, {
  description: 'A/B test: each visitor always sees the same variant (from a salted hash of address, user agent and link; no cookie)',
  examples: [{ variants: [{ url: 'https://example.com/a', weight: 50 }, { url: 'https://example.com/b', weight: 50 }] }],
})
export type AbTest = Static<typeof abTest>

export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const
const utmValue = t.String({ minLength: 1, maxLength: 200 })
export const utm = t.Object({
  source: t.Optional(utmValue), medium: t.Optional(utmValue), campaign: t.Optional(utmValue),
  term: t.Optional(utmValue), content: t.Optional(utmValue),
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Appended to every destination as utm_*; a visitor\'s own utm_* values for these keys are dropped, the link\'s win',
  examples: [{ source: 'newsletter', medium: 'email', campaign: 'spring' }],
})
export type Utm = Static<typeof utm>
