// Request and response schemas of the custom domains API, and the row → API mapper.
import { t, type Static } from 'elysia'
import type { domains } from '../db/schema'
import { ok } from '../shared/envelope'

type DomainRow = typeof domains.$inferSelect

export const createBody = t.Object({ hostname: t.String({ minLength: 1, maxLength: 253 }) })
export type CreateDomainInput = Static<typeof createBody>

export const idParam = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })

export const domain = t.Object({
  id: t.String(),
  hostname: t.String(),
  isVerified: t.Boolean(),
  verificationMethod: t.Literal('DNS_TXT'),
  /** The TXT record to publish at the hostname or at _kurz.<hostname>. */
  verificationToken: t.String(),
  verificationRecords: t.Array(t.String(), { description: 'where the TXT record may be published' }),
  verifiedAt: t.Nullable(t.String()),
  createdAt: t.String(),
  expiredUrl: t.Nullable(t.String({ description: 'Where this domain\'s expired or used-up links send visitors instead of a 410', examples: ['https://example.com/expired'] })),
  notFoundUrl: t.Nullable(t.String({ description: 'Where unknown slugs on this domain send visitors instead of a 404', examples: ['https://example.com/'] })),
})
export type Domain = Static<typeof domain>

const renamed = t.Object({ id: t.String(), from: t.String(), to: t.String(), shortUrl: t.String() })

export const responses = {
  one: ok(domain),
  list: ok(t.Array(domain)),
  deleted: t.Object({
    success: t.Literal(true),
    data: t.Null(),
    message: t.String(),
    /** Links moved to the default domain; the renamed ones had a slug already taken there. */
    movedLinks: t.Number(),
    renamedLinks: t.Array(renamed),
  }),
}

export const verificationRecords = (hostname: string) => [hostname, `_kurz.${hostname}`]

/** Picks the API fields one by one: no column leaks. */
export function toDomain(row: DomainRow): Domain {
  return {
    id: row.id,
    hostname: row.hostname,
    isVerified: row.isVerified,
    verificationMethod: 'DNS_TXT',
    verificationToken: row.verificationToken,
    verificationRecords: verificationRecords(row.hostname),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    expiredUrl: row.expiredUrl,
    notFoundUrl: row.notFoundUrl,
  }
}
