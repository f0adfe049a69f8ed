// A custom domain's previous shortener, for moving over without breaking a printed link: a slug
// unknown on the domain is asked of the old service (Bitly, YOURLS, Shlink or Kutt); when it knows
// the link, the link is created in the domain owner's account (source IMPORT) and the visitor is
// redirected, and the old service is never asked about that slug again. An unknown answer is
// cached as a miss like any other. Questions are bounded per domain (enumeration is not bounced
// onto the old service), time out quickly, and go only to the checked, public address.
import { and, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { callerOf } from '../auth/service'
import { domains, previousProviders } from '../db/schema'
import { AppError } from '../errors'
import { openSecret, sealSecret } from '../shared/secret-box'
import { previousTokenPlace } from '../db/seal-secrets'
import { requestPinned } from '../shared/pinned-http'
import { checkWebhookTarget, type SendOptions } from '../webhooks/send'
import { createLink } from '../links/service'
import { MISS, type Cached, cacheKey } from '../redirect/link-entry'
import { resolveSlow } from '../redirect/resolve'
import { DEFAULT_API_URL, PROTOCOLS, type Provider } from './providers'
import type { SetProviderInput } from './model'

const MINUTE = 60_000

const sendOptions = (deps: Deps): SendOptions => ({
  dnsServers: deps.config.dnsServers, allowPrivate: deps.config.previousProvider.allowPrivate, timeoutMs: deps.config.previousProvider.timeoutMs,
})

async function ownDomain(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.select().from(domains).where(and(eq(domains.id, id), eq(domains.userId, caller.userId)))
  if (!row) throw new AppError('NOT_FOUND', 'Domain not found', { id })
  return row
}

const present = (row: typeof previousProviders.$inferSelect) =>
  ({ provider: row.provider, apiUrl: row.apiUrl, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() })

export async function getPreviousProvider(deps: Deps, caller: Caller, domainId: string) {
  await ownDomain(deps, caller, domainId)
  const [row] = await deps.db.select().from(previousProviders).where(eq(previousProviders.domainId, domainId))
  return { success: true as const, data: row ? present(row) : null }
}

export async function setPreviousProvider(deps: Deps, caller: Caller, domainId: string, input: SetProviderInput) {
  const domain = await ownDomain(deps, caller, domainId)
  const apiUrl = (input.apiUrl ?? DEFAULT_API_URL[input.provider])?.trim()
  if (!apiUrl) throw new AppError('VALIDATION_ERROR', `apiUrl is required for ${input.provider}: the address of its API`, { field: 'apiUrl' })
  const refused = await checkWebhookTarget(apiUrl, sendOptions(deps))
  if (refused) throw new AppError('VALIDATION_ERROR', `apiUrl refused: ${refused}`, { field: 'apiUrl' })
  const now = deps.now()
  const values = { provider: input.provider, apiUrl, token: sealSecret(deps.config.secretsKeys, input.token, previousTokenPlace(domain.id)), updatedAt: now }
  const [row] = await deps.db.insert(previousProviders).values({ domainId: domain.id, ...values, createdAt: now })
    .onConflictDoUpdate({ target: previousProviders.domainId, set: values }).returning()
  deps.domains.changed()
  return { success: true as const, data: present(row) }
}

export async function removePreviousProvider(deps: Deps, caller: Caller, domainId: string) {
  await ownDomain(deps, caller, domainId)
  const gone = await deps.db.delete(previousProviders).where(eq(previousProviders.domainId, domainId)).returning({ id: previousProviders.domainId })
  if (gone.length === 0) throw new AppError('NOT_FOUND', 'This domain has no previous provider', { id: domainId })
  deps.domains.changed()
  return { success: true as const, message: 'The previous provider is no longer asked' }
}

// ---- on the redirect's slow path ----

const inFlight = new Map<string, Promise<Cached>>()

/**
 * resolveSlow for a domain with a previous provider: a miss is not cached before the old service
 * has answered, so that visitors arriving meanwhile wait for the same answer instead of a 404.
 */
export function resolveWithPrevious(deps: Deps, domain: string, slug: string): Promise<Cached> {
  const key = cacheKey(domain, slug)
  const pending = inFlight.get(key)
  if (pending) return pending
  const work = (async () => {
    const found = await resolveSlow(deps.db, deps.linkCache, domain, slug, false)
    if (found !== MISS) return found
    const created = await askPrevious(deps, domain, slug).catch((e) => {
      deps.log.warn('the previous provider could not be asked', { domain, slug, error: String(e) })
      return false
    })
    if (created) return resolveSlow(deps.db, deps.linkCache, domain, slug)
    const startedAt = deps.linkCache.startFill()
    deps.linkCache.fillLocal(key, MISS, startedAt)
    deps.linkCache.fillShared(key, MISS)
    return MISS
  })().finally(() => inFlight.delete(key))
  inFlight.set(key, work)
  return work
}

/** True when the old service knew the link and it now exists here. */
async function askPrevious(deps: Deps, domain: string, slug: string): Promise<boolean> {
  const allowed = await deps.limiter.hit(`previous:${domain}`, deps.config.previousProvider.limitPerMinute, MINUTE, deps.now().getTime())
  if (!allowed.allowed) {
    deps.metrics.previousProviderLimited++
    return false
  }
  const [row] = await deps.db.select({ p: previousProviders, userId: domains.userId }).from(previousProviders)
    .innerJoin(domains, eq(domains.id, previousProviders.domainId))
    .where(and(eq(domains.hostname, domain), eq(domains.isVerified, true)))
  if (!row) return false
  const protocol = PROTOCOLS[row.p.provider as Provider]
  const token = openSecret(deps.config.secretsKeys, row.p.token, previousTokenPlace(row.p.domainId))
  const ask = protocol.ask(row.p.apiUrl, token, domain, slug)
  deps.metrics.previousProviderAsked++
  const longUrl = protocol.answer(await requestPinned(ask.url, ask, sendOptions(deps)), slug)
  if (!longUrl) return false
  try {
    const caller = callerOf(deps, await deps.callers.user(row.userId), null)
    await createLink(deps, caller, { originalUrl: longUrl, slug, domain }, 'IMPORT')
    deps.log.info('a link was brought over from the previous provider', { domain, slug, provider: row.p.provider })
    return true
  } catch (e) {
    // Taken meanwhile (another instance brought it over first): the link exists all the same.
    if (e instanceof AppError && e.code === 'SLUG_ALREADY_EXISTS') return true
    if (e instanceof AppError) {
      deps.log.warn('a link the previous provider knows could not be created', { domain, slug, code: e.code, error: e.message })
      return false
    }
    throw e
  }
}
