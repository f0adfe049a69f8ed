// Deleting a custom domain: its links fall back to the default domain, in one transaction.
//
// The default namespace is shared by every account, so a slug of the domain may already be taken
// there, often by someone else's link. Refusing the delete would leave no way out (slugs cannot be
// changed through the API), so such links are renamed to `<slug>-<4 random>` and the answer lists
// them; every other link keeps its slug.
import { and, eq, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { domains, links, type LinkRow } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { randomBase62 } from '../shared/ids'
import { present } from '../links/present'
import { findOwnDomain } from './service'

type Moved = { from: string; row: LinkRow }

export async function deleteDomain(deps: Deps, caller: Caller, id: string) {
  const domain = await findOwnDomain(deps, caller, id)
  const host = domain.hostname
  const now = deps.now()
  const { kept, renamed } = await deps.db.transaction(async (tx) => {
    const [gone] = await tx.delete(domains).where(and(eq(domains.id, id), eq(domains.userId, caller.userId))).returning()
    if (!gone) throw new AppError('NOT_FOUND', 'Domain not found', { id })
    // One statement moves every link whose slug is free on the default domain.
    const kept = await tx.update(links).set({ domain: '', updatedAt: now })
      .where(and(eq(links.domain, host), sql`not exists (select 1 from links d where d.domain = '' and d.slug = links.slug)`))
      .returning()
    const clashing = await tx.select().from(links).where(eq(links.domain, host))
    const renamed: Moved[] = []
    for (const row of clashing) renamed.push({ from: row.slug, row: await renameToDefault(tx, row, now) })
    return { kept: kept.map((row) => ({ from: row.slug, row })), renamed }
  })
  if (domain.isVerified) {
    await deps.domains.reload()
    deps.domains.changed()
  }
  await republish(deps, host, [...kept, ...renamed])
  return {
    success: true as const,
    data: null,
    message: `Domain ${host} deleted; ${kept.length + renamed.length} link(s) moved to the default domain`,
    movedLinks: kept.length + renamed.length,
    renamedLinks: renamed.map(({ from, row }) => ({ id: row.id, from, to: row.slug, shortUrl: present(deps, row).shortUrl })),
  }
}

/** A free `<slug>-xxxx` on the default domain; the guard keeps the unique index from aborting the transaction. */
async function renameToDefault(tx: Tx, row: LinkRow, now: Date): Promise<LinkRow> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const slug = `${row.slug.slice(0, 59)}-${randomBase62(4)}`
    const [moved] = await tx.update(links).set({ domain: '', slug, updatedAt: now })
      .where(and(eq(links.id, row.id), sql`not exists (select 1 from links d where d.domain = '' and d.slug = ${slug})`))
      .returning()
    if (moved) return moved
  }
  throw new AppError('INTERNAL', `Could not find a free slug for ${row.slug} on the default domain`)
}

/** Old keys answer "not found", new keys the link, on every instance. */
async function republish(deps: Deps, host: string, moved: Moved[]) {
  for (let i = 0; i < moved.length; i += 200) {
    await Promise.all(moved.slice(i, i + 200).flatMap(({ from, row }) => [
      deps.linkCache.forget(host, from),
      deps.linkCache.refresh(row),
    ]))
  }
}
