// Request and response schemas of the links API, and the row → API mapper.
import { t, type Static } from 'elysia'
import { oneOf } from '../shared/schema'
import type { LinkRow } from '../db/schema'
import { ok, page, pagingQuery } from '../shared/envelope'
import { abTest, rules, utm } from '../rules/model'
import { tagIds } from '../tags/model'

/** The smart-link fields a link is created or updated with; null removes one. */
const smartFields = {
  rules: t.Optional(t.Nullable(rules)),
  abTest: t.Optional(t.Nullable(abTest)),
  utm: t.Optional(t.Nullable(utm)),
  tagIds: t.Optional(tagIds),
}
import { smartInputFields, smartLinkFields } from './smart-fields'

const kind = oneOf(['url', 'wifi', 'vcard', 'text'])
const status = oneOf(['ACTIVE', 'EXPIRED', 'USED', 'DISABLED'])

export const createBody = t.Object({
  originalUrl: t.Optional(t.String()),
  url: t.Optional(t.String()),
  customSlug: t.Optional(t.Nullable(t.String())),
  slug: t.Optional(t.Nullable(t.String())),
  title: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  kind: t.Optional(kind),
  payload: t.Optional(t.Nullable(t.Record(t.String(), t.Unknown()))),
  expiresIn: t.Optional(t.Nullable(t.String())),
  singleUse: t.Optional(t.Boolean()),
  domain: t.Optional(t.Nullable(t.String())),
  ...smartFields,
  ...smartInputFields,
})
export type CreateLinkInput = Static<typeof createBody>

export const updateBody = t.Object({
  originalUrl: t.Optional(t.String()),
  url: t.Optional(t.String()),
  customSlug: t.Optional(t.String()),
  slug: t.Optional(t.String()),
  title: t.Optional(t.Nullable(t.String({ maxLength: 200 }))),
  payload: t.Optional(t.Record(t.String(), t.Unknown())),
  expiresIn: t.Optional(t.Nullable(t.String())),
  singleUse: t.Optional(t.Boolean()),
  domain: t.Optional(t.Nullable(t.String())),
  status: t.Optional(oneOf(['ACTIVE', 'DISABLED'])),
  ...smartFields,
  ...smartInputFields,
})
export type UpdateLinkInput = Static<typeof updateBody>

export const listQuery = t.Object({
  ...pagingQuery,
  search: t.Optional(t.String({ maxLength: 500 })),
  status: t.Optional(oneOf(['ACTIVE', 'EXPIRED', 'USED', 'DISABLED', 'ALL'])),
  tags: t.Optional(t.String({ maxLength: 2000, description: 'Comma-separated tag ids: only links with these tags', examples: ['tag_0a1b2c,tag_3d4e5f'] })),
  tagMode: t.Optional(oneOf(['any', 'all'], { description: '`any` (default): at least one of `tags`; `all`: every one' })),
})
export type ListLinksQuery = Static<typeof listQuery>

export const bulkBody = t.Object({ links: t.Array(t.Unknown(), { minItems: 1 }) })
export const bulkActionBody = t.Object({
  shortCodes: t.Array(t.String(), { minItems: 1, maxItems: 1000 }),
  action: oneOf(['DELETE', 'DISABLE', 'ENABLE']),
})

export const link = t.Object({
  id: t.String(),
  shortCode: t.String(),
  slug: t.String(),
  shortUrl: t.String(),
  domain: t.String(),
  kind,
  originalUrl: t.Nullable(t.String()),
  payload: t.Nullable(t.Record(t.String(), t.Unknown())),
  title: t.Nullable(t.String()),
  summary: t.Nullable(t.String()),
  status,
  isActive: t.Boolean(),
  singleUse: t.Boolean(),
  clicks: t.Number(),
  usedCount: t.Number(),
  expiresAt: t.Nullable(t.String()),
  createdAt: t.String(),
  updatedAt: t.String(),
  source: oneOf(['API', 'DASHBOARD', 'BULK', 'IMPORT']),
  rules: t.Nullable(rules),
  abTest: t.Nullable(abTest),
  utm: t.Nullable(utm),
  tagIds: t.Array(t.String(), { description: 'Ids of the link\'s tags (GET /api/v1/tags)' }),
  ...smartLinkFields,
})
export type Link = Static<typeof link>

const breakdown = t.Array(t.Object({ name: t.String(), count: t.Number() }))
export const linkWithAnalytics = t.Composite([
  link,
  t.Object({ analytics: t.Object({ byCountry: breakdown, byDevice: breakdown, byReferrer: breakdown }) }),
])

const usage = t.Object({ linksUsed: t.Number(), linkLimit: t.Number(), linksRemaining: t.Number() })

export const responses = {
  created: t.Object({ success: t.Literal(true), data: link, usage }),
  one: ok(link),
  detail: ok(linkWithAnalytics),
  list: page(link),
  deleted: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
  bulk: ok(t.Object({
    created: t.Array(link),
    failed: t.Array(t.Object({ index: t.Number(), error: t.String(), code: t.String() })),
    totalCreated: t.Number(),
    totalFailed: t.Number(),
  })),
  bulkAction: ok(t.Object({
    processed: t.Number(),
    failed: t.Number(),
    errors: t.Array(t.Object({ shortCode: t.String(), error: t.String() })),
  })),
}
