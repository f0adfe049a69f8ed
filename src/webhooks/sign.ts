// Webhook secrets and delivery signatures: the Standard Webhooks headers, plus X-Webhook-Signature
// for receivers that verify the older way: hex HMAC-SHA256 of "t.body" keyed by the whole secret.
import { createHmac, randomBytes } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

export type DeliveryToSign = { id: string; timestamp: number /* unix seconds */; body: string; secret: string }

export function signDelivery(p: DeliveryToSign): Record<string, string> {
  // Standard Webhooks keys the HMAC with the secret's decoded bytes, not its text.
  const key = Buffer.from(p.secret.startsWith(SECRET_PREFIX) ? p.secret.slice(SECRET_PREFIX.length) : p.secret, 'base64')
  const standard = createHmac('sha256', key).update(`${p.id}.${p.timestamp}.${p.body}`).digest('base64')
  // Receivers of X-Webhook-Signature key with the whole secret string as given (whsec_ included), so it must stay that way.
  const legacy = createHmac('sha256', p.secret).update(`${p.timestamp}.${p.body}`).digest('hex')
  return {
    'webhook-id': p.id,
    'webhook-timestamp': String(p.timestamp),
    'webhook-signature': `v1,${standard}`,
    'x-webhook-signature': `t=${p.timestamp},v1=${legacy}`,
  }
}
