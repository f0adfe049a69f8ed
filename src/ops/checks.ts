// The state of each dependency, and whether this instance can serve.
import type { Deps } from '../deps'

export type Check = 'ok' | 'unavailable' | 'not configured'
const PING_MS = 2000

const within = (p: Promise<unknown>) =>
  Promise.race([p.then(() => 'ok' as const), Bun.sleep(PING_MS).then(() => 'unavailable' as const)]).catch(() => 'unavailable' as const)

export async function checkDependencies(deps: Deps): Promise<Record<'postgres' | 'redis' | 'clickhouse', Check>> {
  const [postgres, redis, clickhouse] = await Promise.all([
    within(deps.database.ping()),
    // Degraded (the subscription is down) counts as unavailable: invalidations are lost.
    deps.redis ? (deps.bus.degraded() ? Promise.resolve('unavailable' as const) : within(deps.redis.command.ping())) : Promise.resolve('not configured' as const),
    deps.clickhousePing ? within(deps.clickhousePing()) : Promise.resolve('not configured' as const),
  ])
  return { postgres, redis, clickhouse }
}

/**
 * Ready means this instance can serve: Postgres answers and it is not shutting down. Redis and
 * ClickHouse are left out on purpose: every instance shares them, so their outage would take
 * every instance out of the load balancer at once, while redirects and the API still work.
 */
export type Readiness = { status: 'ok' | 'unavailable'; checks: Record<string, 'ok' | 'unavailable' | 'shutting down'> }

export async function checkReady(deps: Deps): Promise<Readiness> {
  if (deps.lifecycle?.stopping) return { status: 'unavailable', checks: { server: 'shutting down' } }
  const postgres = await within(deps.database.ping())
  return { status: postgres === 'ok' ? 'ok' as const : 'unavailable' as const, checks: { postgres } }
}
