// One delivery attempt: claim the row, sign, send to the endpoint's URL, and record the outcome
// on the delivery and on the endpoint (consecutive failures, and the 10-day switch-off).
import { and, eq, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow } from '../db/schema'
import { signDelivery } from './sign'
import { postWebhook, postWebhookReadingAnswer, type AnsweredResult, type SendResult } from './send'
import { openSecret } from '../shared/secret-box'
import { webhookSecretPlace } from '../db/seal-secrets'

/**
 * Seconds to wait after each failed attempt: ten attempts over about three days (71.6 h), the
 * first retries soon for a blip, the last ones far apart for an outage.
 */
export const RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000]
/** An endpoint failing without a single success for this long is turned off. */
export const DISABLE_AFTER_MS = 10 * 86_400_000
/** Longer than the longest retry delay: a day without a failed attempt ends a run of failures. */
const RUN_BREAK_MS = 86_400_000

/** An endpoint row: its secret as stored (sealed). */
type Target = { id: string; url: string; secret: string }
type Message = { eventId: string; eventType: string; body: string }

/** A claim outlasts any attempt (the time-out twice, and the bookkeeping): it never lapses under one. */
export const leaseMs = (deps: Deps) => deps.config.webhooks.timeoutMs * 2 + 30_000

/** The delivery's row, with the lease that lets its holder record an outcome. */
export type Claimed = WebhookDeliveryRow & { claimedUntil: Date }

/** Claims the delivery `id` now, unless another attempt holds it or `where` (if given) is false. */
export async function claim(deps: Deps, id: string, where?: SQL, tx: Tx = deps.db): Promise<Claimed | null> {
  const now = deps.now()
  const d = webhookDeliveries
  const [row] = await tx.update(d).set({ claimedUntil: new Date(now.getTime() + leaseMs(deps)) })
    .where(and(eq(d.id, id), where, or(isNull(d.claimedUntil), lte(d.claimedUntil, now)))).returning()
  return (row as Claimed | undefined) ?? null
}

/** With `readAnswer` (test sends), the result also holds the start of the answer's body. */
export async function sendSigned(deps: Deps, target: Target, message: Message): Promise<SendResult>
export async function sendSigned(deps: Deps, target: Target, message: Message, readAnswer: true): Promise<AnsweredResult>
export async function sendSigned(deps: Deps, target: Target, message: Message, readAnswer = false): Promise<SendResult | AnsweredResult> {
  const timestamp = Math.floor(deps.now().getTime() / 1000)
  const headers = {
    ...signDelivery({ id: message.eventId, timestamp, body: message.body, secret: openSecret(deps.config.secretsKeys, target.secret, webhookSecretPlace(target.id)) }),
    'x-webhook-event': message.eventType,
  }
  const { dnsServers, webhooks } = deps.config
  const opts = { dnsServers, allowPrivate: webhooks.allowPrivate, timeoutMs: webhooks.timeoutMs }
  return readAnswer ? postWebhookReadingAnswer(target.url, headers, message.body, opts) : postWebhook(target.url, headers, message.body, opts)
}

export const succeeded = (r: SendResult) => r.httpStatus !== null && r.httpStatus >= 200 && r.httpStatus < 300
export const failureOf = (r: SendResult) => r.error ?? `the endpoint answered HTTP ${r.httpStatus}`

/**
 * Writes one attempt's outcome, under the claim it was made with (null when the claim was lost:
 * nothing is written). `retry`: a failure is scheduled again while attempts remain, else it is
 * FAILED. The attempt also counts toward the endpoint's health.
 */
export async function recordAttempt(deps: Deps, d: Claimed, result: SendResult, opts: { retry: boolean }): Promise<WebhookDeliveryRow | null> {
  const now = deps.now()
  const ok = succeeded(result)
  deps.metrics.webhookAttempts++
  if (!ok) deps.metrics.webhookAttemptsFailed++
  const delay = opts.retry && !ok ? RETRY_DELAYS_S[d.attemptCount] : undefined
  const w = webhookDeliveries
  const [row] = await deps.db.update(w).set({
    status: ok ? 'SUCCESS' : delay === undefined ? 'FAILED' : 'PENDING',
    httpStatus: result.httpStatus,
    attemptCount: sql`${w.attemptCount} + 1`,
    responseTimeMs: result.responseTimeMs,
    lastError: ok ? null : failureOf(result),
    nextAttemptAt: delay === undefined ? null : new Date(now.getTime() + delay * 1000),
    claimedUntil: null,
    ...(ok ? { deliveredAt: now } : {}),
  }).where(and(eq(w.id, d.id), eq(w.claimedUntil, d.claimedUntil))).returning()
  if (row) await recordHealth(deps, d.endpointId, ok, now)
  return row ?? null
}

async function recordHealth(deps: Deps, endpointId: string, ok: boolean, now: Date) {
  const e = webhookEndpoints
  if (ok) {
    await deps.db.update(e).set({ failureCount: 0, failingSince: null }).where(eq(e.id, endpointId))
    return
  }
  // (ISO text, not Date: postgres.js takes no Date inside raw SQL)
  const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`
  const since = sql`case when ${e.failingSince} is null or ${e.lastFailedAt} < ${at(now.getTime() - RUN_BREAK_MS)} then ${at(now.getTime())} else ${e.failingSince} end`
  const tooLong = sql`${since} <= ${at(now.getTime() - DISABLE_AFTER_MS)}`
  await deps.db.update(e).set({
    failureCount: sql`${e.failureCount} + 1`,
    failingSince: since,
    lastFailedAt: now,
    isActive: sql`case when ${tooLong} then false else ${e.isActive} end`,
    disabledReason: sql`case when ${tooLong} and ${e.isActive} then 'failing for 10 days' else ${e.disabledReason} end`,
  }).where(eq(e.id, endpointId))
}
