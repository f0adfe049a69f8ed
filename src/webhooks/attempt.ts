// One delivery attempt: sign, send to the endpoint's URL, and record the outcome on the delivery
// and on the endpoint (consecutive failures, and the 10-day switch-off).
import { eq, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import { webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow } from '../db/schema'
import { counters } from '../ops/metrics'
import { signDelivery } from './sign'
import { postWebhook, type SendResult } from './send'

/**
 * Seconds to wait after each failed attempt: ten attempts over about three days (71.6 h), the
 * first retries soon for a blip, the last ones far apart for an outage.
 */
export const RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000]
/** An endpoint failing without a single success for this long is turned off. */
export const DISABLE_AFTER_MS = 10 * 86_400_000

type Target = { url: string; secret: string }
type Message = { eventId: string; eventType: string; body: string }

export async function sendSigned(deps: Deps, target: Target, message: Message): Promise<SendResult> {
  const timestamp = Math.floor(deps.now().getTime() / 1000)
  const headers = {
    ...signDelivery({ id: message.eventId, timestamp, body: message.body, secret: target.secret }),
    'x-webhook-event': message.eventType,
  }
  const { dnsServers, webhooks } = deps.config
  return postWebhook(target.url, headers, message.body, { dnsServers, allowPrivate: webhooks.allowPrivate, timeoutMs: webhooks.timeoutMs })
}

export const succeeded = (r: SendResult) => r.httpStatus !== null && r.httpStatus >= 200 && r.httpStatus < 300
export const failureOf = (r: SendResult) => r.error ?? `the endpoint answered HTTP ${r.httpStatus}`

/**
 * Writes one attempt's outcome. `retry`: a failure is scheduled again while attempts remain
 * (else it is FAILED at once). `onEndpoint`: the attempt counts toward the endpoint's health
 * (not for a test ping).
 */
export async function recordAttempt(
  deps: Deps, d: WebhookDeliveryRow, result: SendResult, opts: { retry: boolean; onEndpoint: boolean },
): Promise<WebhookDeliveryRow> {
  const now = deps.now()
  const attempts = d.attemptCount + 1
  const ok = succeeded(result)
  counters.webhookAttempts++
  if (!ok) counters.webhookAttemptsFailed++
  const delay = opts.retry && !ok ? RETRY_DELAYS_S[attempts - 1] : undefined
  const [row] = await deps.db.update(webhookDeliveries).set({
    status: ok ? 'SUCCESS' : delay === undefined ? 'FAILED' : 'PENDING',
    httpStatus: result.httpStatus,
    attemptCount: attempts,
    responseTimeMs: result.responseTimeMs,
    lastError: ok ? null : failureOf(result),
    nextAttemptAt: delay === undefined ? null : new Date(now.getTime() + delay * 1000),
    ...(ok ? { deliveredAt: now } : {}),
  }).where(eq(webhookDeliveries.id, d.id)).returning()
  if (opts.onEndpoint) await recordHealth(deps, d.endpointId, ok, now)
  return row ?? d
}

async function recordHealth(deps: Deps, endpointId: string, ok: boolean, now: Date) {
  const e = webhookEndpoints
  if (ok) {
    await deps.db.update(e).set({ failureCount: 0, failingSince: null }).where(eq(e.id, endpointId))
    return
  }
  // (ISO text, not Date: postgres.js takes no Date inside raw SQL)
  const since = sql`coalesce(${e.failingSince}, ${now.toISOString()}::timestamptz)`
  const tooLong = sql`${since} <= ${new Date(now.getTime() - DISABLE_AFTER_MS).toISOString()}::timestamptz`
  await deps.db.update(e).set({
    failureCount: sql`${e.failureCount} + 1`,
    failingSince: since,
    isActive: sql`case when ${tooLong} then false else ${e.isActive} end`,
    disabledReason: sql`case when ${tooLong} and ${e.isActive} then 'failing for 10 days' else ${e.disabledReason} end`,
  }).where(eq(e.id, endpointId))
}
