// Idempotency-Key on every POST under /api/v1 (Stripe's semantics). The same key with the same
// request within 24 hours answers the first answer again, with `Idempotent-Replayed: true`; with
// another request, 422; while the first is still running, 409. Keys belong to one account.
// After the auth guard has admitted the caller (rate limits count replays too), the key is claimed
// in the store; the app's whole answer is then saved by a wrapper around the app's handler.
// Requests without the header, and every other method and path, pass untouched.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { AppError } from '../errors'
import { authenticate } from '../auth/service'
import { cookieCredential } from '../auth/session'
import { readBoundedText } from '../shared/json-body'
import { randomBase62 } from '../shared/ids'
import { MemoryIdempotencyStore, RedisIdempotencyStore, type IdempotencyStore, type SavedResponse } from './store'
import { HEADER, fingerprintOf, isSaved, KEEP_MS, keyInUse, keyOf, keyReused, LOCK_MS, recordKey, REPLAYED_HEADER, replayedHeaders, takesKey } from './service'

type Claim = { key: string; token: string; fingerprint: string }

export function idempotencyPlugin(deps: Deps, auth: AuthPlugin) {
  const store: IdempotencyStore = deps.redis ? new RedisIdempotencyStore(deps.redis.command) : new MemoryIdempotencyStore()
  const bodyBound = Math.max(deps.config.requests.maxBodyBytes, deps.config.requests.maxBulkBodyBytes)
  const claims = new WeakMap<Request, Claim>()

  const unavailable = (e: unknown) => {
    deps.log.warn('idempotency store unreachable', { error: String(e) })
    return new AppError('SERVICE_UNAVAILABLE', 'The idempotency store is unavailable; try again shortly')
  }

  async function settle(claim: Claim, answer: Response): Promise<Response> {
    let saved: SavedResponse | null = null
    if (isSaved(answer.status)) {
      const body = await answer.clone().arrayBuffer()
      saved = { status: answer.status, headers: replayedHeaders(answer.headers), body: Buffer.from(body).toString('base64') }
    }
    const record = saved && { state: 'done' as const, fingerprint: claim.fingerprint, token: claim.token, response: saved }
    await store.settle(claim.key, claim.token, record, KEEP_MS)
      .catch((e) => deps.log.warn('idempotency record not saved', { error: String(e) }))
    return answer
  }

  return new Elysia({ name: 'kurz.idempotency' })
    .use(auth)
    .onRequest(async ({ request, set }) => {
      if (!takesKey(request.method, new URL(request.url).pathname)) return
      const key = keyOf(request.headers)
      if (key === null) return
      // The auth guard ran before this hook and admitted the caller: this is its cached answer.
      const caller = await authenticate(deps, deps.callers, request.headers, cookieCredential(deps.config, request))
      const fingerprint = fingerprintOf(request, await readBoundedText(request.clone() as Request, bodyBound))
      const claim = { key: recordKey(deps.config.redisPrefix, caller.userId, key), token: randomBase62(16), fingerprint }
      const found = await store.claim(claim.key, { state: 'running', fingerprint, token: claim.token }, LOCK_MS).catch((e) => { throw unavailable(e) })
      if (!found) return void claims.set(request, claim)
      if (found.fingerprint !== fingerprint) throw keyReused()
      if (found.state === 'running') throw keyInUse()
      const headers = new Headers(found.response.headers)
      for (const [name, value] of Object.entries(set.headers)) if (typeof value === 'string') headers.set(name, value)
      headers.set(REPLAYED_HEADER, 'true')
      return new Response(Buffer.from(found.response.body, 'base64'), { status: found.response.status, headers })
    })
    // (Elysia calls `wrap(handler)` and then the function it returns with the request)
    .wrap((handle) => ((r: Request) => {
      const inner = handle as unknown as (r: Request) => Response | Promise<Response>
      // Every other request goes through as it came: no promise, no look-up.
      if (r.method !== 'POST' || !r.headers.has(HEADER)) return inner(r)
      return Promise.resolve(inner(r)).then((done) => {
        const claim = claims.get(r)
        return claim ? settle(claim, done) : done
      })
    }) as never)
}
