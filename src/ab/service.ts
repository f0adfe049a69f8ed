// A link's A/B test: the figures per variant (clicks, visitors, share, and with conversions the
// goal rates and their p-values against A), and ending the test by promoting one variant.
import { eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { links } from '../db/schema'
import { AppError } from '../errors'
import { rows } from '../clicks/client'
import { findOwnLink } from '../links/service'
import { present } from '../links/present'
import { VARIANT_KEYS, type AbTest } from '../rules/model'
import { twoProportionPValue } from './stats'

export async function abResults(deps: Deps, caller: Caller, idOrSlug: string, q: { conversions?: string; bots?: string }) {
  const row = await findOwnLink(deps, caller, idOrSlug)
  const test = row.abTest as AbTest | null
  if (!test) throw new AppError('NOT_FOUND', 'The link has no A/B test', { field: 'idOrSlug' })
  const conversions = new Map((q.conversions ?? '').split(',').filter(Boolean).map((p) => {
    const [k, n] = p.split(':')
    return [k!.toUpperCase(), Number(n)] as const
  }))
  const figures = deps.clickhouse ? await rows<{ v: string; c: string; u: string }>(deps.clickhouse,
    `SELECT toString(variant) AS v, count() AS c, uniq(visitor_hash) AS u FROM clicks
     WHERE owner_id = {owner:String} AND link_id = {link:String} AND variant != ''${q.bots === 'include' ? '' : ' AND is_bot = 0'} GROUP BY v`,
    { owner: caller.userId, link: row.id }) : []
  const byKey = new Map(figures.map((f) => [f.v, { clicks: Number(f.c), visitors: Number(f.u) }]))
  const total = figures.reduce((s, f) => s + Number(f.c), 0)
  const keyed = test.variants.map((v, i) => {
    const key = VARIANT_KEYS[i]!
    const f = byKey.get(key) ?? { clicks: 0, visitors: 0 }
    const conv = conversions.get(key) ?? null
    if (conv !== null && conv > f.visitors)
      throw new AppError('VALIDATION_ERROR', `Variant ${key} has ${conv} conversions but ${f.visitors} visitors`, { field: 'conversions' })
    return { key, url: v.url, weight: v.weight, ...f, conversions: conv }
  })
  const control = keyed[0]!
  return {
    success: true as const,
    data: {
      active: true,
      totalClicks: total,
      variants: keyed.map((v) => ({
        ...v,
        share: total ? v.clicks / total : 0,
        goalRate: v.conversions !== null && v.visitors > 0 ? v.conversions / v.visitors : null,
        pValue: v === control || v.conversions === null || control.conversions === null
          ? null : twoProportionPValue(control.conversions, control.visitors, v.conversions, v.visitors),
      })),
    },
  }
}

/** Ends the test: the winner's url becomes originalUrl, the test is removed, every instance follows within a second. */
export async function endAbTest(deps: Deps, caller: Caller, idOrSlug: string, winner: string) {
  const current = await findOwnLink(deps, caller, idOrSlug)
  const test = current.abTest as AbTest | null
  if (!test) throw new AppError('NOT_FOUND', 'The link has no A/B test', { field: 'idOrSlug' })
  const v = test.variants[VARIANT_KEYS.indexOf(winner as (typeof VARIANT_KEYS)[number])]
  if (!v) throw new AppError('VALIDATION_ERROR', `The test has no variant ${winner}`, { field: 'winner' })
  const [row] = await deps.db.update(links).set({ originalUrl: v.url, abTest: null, updatedAt: deps.now() })
    .where(eq(links.id, current.id)).returning()
  if (!row) throw new AppError('LINK_NOT_FOUND', 'Link not found')
  await deps.linkCache.refresh(row)
  return { success: true as const, data: present(deps, row) }
}
