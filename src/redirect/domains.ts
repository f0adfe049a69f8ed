// Which Host headers are verified custom domains: each has its own slug namespace.
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import type { Bus } from '../shared/redis'
import type { Logger } from '../shared/log'
import { domains, previousProviders } from '../db/schema'

const CHANNEL = 'domains'

export class DomainNamespaces {
  private hosts = new Set<string>()
  private previous = new Set<string>()
  /** Verified domains that set an expiredUrl or notFoundUrl (smart links), by hostname. */
  private fallbacks = new Map<string, { expiredUrl: string | null; notFoundUrl: string | null }>()

  constructor(private readonly deps: { db: Db; bus: Bus; log: Logger }) {
    deps.bus.subscribe(CHANNEL, () => void this.reload())
    deps.bus.onReconnect(() => void this.reload())
  }

  /** False while no custom domain is verified: the redirect then never reads the Host header. */
  get any(): boolean {
    return this.hosts.size !== 0
  }

  /** The namespace of a request's host: itself when it is a verified custom domain, else the default (''). */
  namespaceOf(host: string): string {
    return this.hosts.size !== 0 && this.hosts.has(host) ? host : ''
  }

  /** True when the host's unknown slugs are asked of its previous shortener (migration). */
  hasPreviousProvider(host: string): boolean {
    return this.previous.size !== 0 && this.previous.has(host)
  }

  /** Where a custom domain sends visitors of a `gone` (expiredUrl) or `missing` (notFoundUrl) slug; null for the 410/404. */
  fallbackOf(namespace: string, state: 'gone' | 'missing'): string | null {
    const f = this.fallbacks.size === 0 || namespace === '' ? undefined : this.fallbacks.get(namespace)
    return f === undefined ? null : state === 'gone' ? f.expiredUrl : f.notFoundUrl
  }

  async reload() {
    try {
      const rows = await this.deps.db.select({
        hostname: domains.hostname, expiredUrl: domains.expiredUrl, notFoundUrl: domains.notFoundUrl, previous: previousProviders.domainId,
      }).from(domains).leftJoin(previousProviders, eq(previousProviders.domainId, domains.id)).where(eq(domains.isVerified, true))
      this.hosts = new Set(rows.map((r) => r.hostname))
      this.previous = new Set(rows.filter((r) => r.previous !== null).map((r) => r.hostname))
      this.fallbacks = new Map(rows.filter((r) => r.expiredUrl !== null || r.notFoundUrl !== null)
        .map((r) => [r.hostname, { expiredUrl: r.expiredUrl, notFoundUrl: r.notFoundUrl }]))
    } catch (e) {
      this.deps.log.warn('could not load custom domains; keeping the previous set', { error: String(e) })
    }
  }

  /** Call after a domain is verified or deleted, or its previous provider set or removed. */
  changed() {
    this.deps.bus.publish(CHANNEL, 'reload')
  }
}
