// The smart part of a cached link entry: what a password, a click limit, a fallback or social
// previews add to a visit. A link with none of them has `smart: null`, and its visit never reads this.

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
}

/** The columns of a link row that its smart entry is made of. */
export type SmartEntryRow = { passwordHash?: string | null; maxClicks?: number | null; expiredUrl?: string | null; og?: unknown }

export function smartEntryOf(row: SmartEntryRow): SmartEntry | null {
  const og = (row.og as OgTags | null | undefined) ?? null
  if (!row.passwordHash && !row.maxClicks && !row.expiredUrl && og === null) return null
  return { pw: row.passwordHash ?? null, max: row.maxClicks ?? 0, exp: row.expiredUrl ?? null, og }
}
