// Request and response schemas of the analytics API.
import { t } from 'elysia'
import { ok } from '../shared/envelope'
import { link } from '../links/model'

// (t.UnionEnum fills a missing value with its default, which is its first value unless given)
const bots = t.Optional(t.UnionEnum(['exclude', 'include'], { default: 'exclude', description: 'bot clicks are excluded unless `include`' }))
const tz = t.Optional(t.String({
  minLength: 1, maxLength: 64,
  description: 'The IANA time zone whose calendar days the range and clicksOverTime are counted in (UTC unless given); an unknown zone is a 400',
  examples: ['Europe/Berlin'],
}))
export const rangeQuery = t.Object({ range: t.Optional(t.UnionEnum(['7d', '30d', '90d', 'all'], { default: '7d' })), bots, tz })
const tag = t.Optional(t.String({ minLength: 1, maxLength: 100, description: 'Only the links with this tag id (an unknown tag is a 404)' }))
export const overviewQuery = t.Object({ ...rangeQuery.properties, tag })
export const accountQuery = t.Object({ bots, tag })
export const shortCodeParam = t.Object({ shortCode: t.String({ minLength: 1, maxLength: 200 }) })

const top = t.Array(t.Object({ name: t.String(), clicks: t.Number() }))
const overTime = t.Array(t.Object({ date: t.String({ description: 'YYYY-MM-DD, a day in `tz` (UTC unless given)' }), clicks: t.Number() }))
const tops = {
  topCountries: top,
  topCities: top,
  topDevices: top,
  topBrowsers: top,
  topReferrers: top,
  byTrigger: t.Array(t.Object({ name: t.UnionEnum(['link', 'qr']), clicks: t.Number() }), {
    description: 'Clicks by what brought them: `link` (the short URL) or `qr` (a scan of the link\'s QR code)',
    examples: [[{ name: 'link', clicks: 120 }, { name: 'qr', clicks: 34 }]],
  }),
}

export const responses = {
  overview: ok(t.Object({
    summary: t.Object({ totalClicks: t.Number(), uniqueClicks: t.Number(), totalLinks: t.Number(), activeLinks: t.Number() }),
    clicksOverTime: overTime,
    topLinks: t.Array(t.Object({ shortCode: t.String(), shortUrl: t.String(), clicks: t.Number() })),
    ...tops,
  })),
  link: ok(t.Object({
    link,
    summary: t.Object({ totalClicks: t.Number(), uniqueClicks: t.Number() }),
    clicksOverTime: overTime,
    ...tops,
  })),
  account: ok(t.Object({
    months: t.Array(t.Object({ month: t.String({ description: 'YYYY-MM' }), clicks: t.Number(), links: t.Number() }),
      { description: 'The last 12 months, oldest first, the current month last' }),
    usage: t.Object({
      periodStart: t.String(),
      periodEnd: t.String(),
      clicksUsed: t.Number(),
      clickLimit: t.Number(),
      clicksRemaining: t.Number(),
      linksUsed: t.Number(),
      linkLimit: t.Number(),
      linksRemaining: t.Number(),
    }),
  })),
}
