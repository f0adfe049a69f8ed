// Operations: liveness, readiness of each dependency, and Prometheus metrics.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { metricsText } from './metrics'
import { errorsOf } from '../shared/error-schemas'
import { publicOperation } from '../docs/security'
import { mediaAnswer } from '../docs/document'

const readiness = t.Object({
  status: t.UnionEnum(['ok', 'unavailable']),
  checks: t.Record(t.String(), t.UnionEnum(['ok', 'unavailable', 'not configured'])),
})

export function opsPlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.ops', detail: { tags: ['Operations'] } })
    .get('/health', () => ({ status: 'ok' as const }), {
      response: { 200: t.Object({ status: t.Literal('ok') }), ...errorsOf(400) },
      detail: publicOperation('Liveness', 'Answers while the process runs; touches no dependency. Public.'),
    })
    .get('/ready', async ({ set }) => {
      const checks = await checkDependencies(deps)
      const ok = Object.values(checks).every((v) => v !== 'unavailable')
      set.status = ok ? 200 : 503
      return { status: ok ? 'ok' as const : 'unavailable' as const, checks }
    }, {
      response: { 200: readiness, 503: readiness, ...errorsOf(400) },
      detail: publicOperation('Readiness', 'Checks each dependency (Postgres, Redis, ClickHouse) within 2 s; 503 names the one that is not reachable. Public.'),
    })
    .get('/metrics', () => new Response(metricsText(deps), { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
      {
        response: { 200: mediaAnswer('Counters and gauges in the Prometheus text format', { 'text/plain; version=0.0.4': 'text' }), ...errorsOf(400) },
        detail: publicOperation('Metrics', 'Redirects, cache hits and misses, the click pipeline and the process, for Prometheus to scrape. Public.'),
      })
}

type Check = 'ok' | 'unavailable' | 'not configured'

async function checkDependencies(deps: Deps): Promise<Record<string, Check>> {
  const within = (p: Promise<unknown>) =>
    Promise.race([p.then(() => 'ok' as const), Bun.sleep(2000).then(() => 'unavailable' as const)]).catch(() => 'unavailable' as const)
  const [postgres, redis, clickhouse] = await Promise.all([
    within(deps.database.ping()),
    deps.redis ? within(deps.redis.command.ping()) : Promise.resolve('not configured' as const),
    deps.clickhousePing ? within(deps.clickhousePing()) : Promise.resolve('not configured' as const),
  ])
  return { postgres, redis, clickhouse }
}
