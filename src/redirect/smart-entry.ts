// The smart part of a cached link entry: what a password, a click limit, a fallback, social
// previews, routing rules, an A/B test or UTM values add to a visit. A link with none of them has
// `smart: null`, and its visit never reads this.
import { smartTextOf } from '../rules/entry'

/** Social preview tags, each escaped when rendered. */
export type OgTags = { title?: string; description?: string; image?: string }

export type SmartEntry = {
  /** argon2id hash of the password; null when the link has none. */
  pw: string | null
  /** maxClicks; 0 for no limit. */
  max: number
  /** Where the link sends visitors once expired or used up; null for the 410. */
  exp: string | null
  og: OgTags | null
  /** Routing rules, A/B variants and UTM values as one text (src/rules/entry.ts); null for none. */
  route: string | null
}

/** The columns of a link row that its smart entry is made of. */
export type SmartEntryRow = {
  kind: string; passwordHash?: string | null; maxClicks?: number | null; expiredUrl?: string | null; og?: unknown
  rules?: unknown; abTest?: unknown; utm?: unknown
}

export function smartEntryOf(row: SmartEntryRow): SmartEntry | null {
  const og = (row.og as OgTags | null | undefined) ?? null
  const route = smartTextOf(row)
  if (!row.passwordHash && !row.maxClicks && !row.expiredUrl && og === null && route === null) return null
  return { pw: row.passwordHash ?? null, max: row.maxClicks ?? 0, exp: row.expiredUrl ?? null, og, route }
}
