// The signature check a receiver runs, as shown on the Webhooks page. It must match how the server
// signs (Standard Webhooks: HMAC-SHA256 of "id.timestamp.body", keyed by the bytes of the secret's
// base64 part after whsec_, sent as "v1,<base64>" in webhook-signature). Plain text with no
// imports, so a test runs exactly what a user copies.
export const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * True when a delivery from Kurz is authentic and recent.
 * secret: the whsec_… secret of the webhook; headers: the request's headers
 * (lower-case names); rawBody: the body exactly as received, before JSON.parse.
 */
export function verifyKurzWebhook(secret: string, headers: Record<string, string | undefined>, rawBody: string): boolean {
  const id = headers['webhook-id']
  const timestamp = headers['webhook-timestamp']
  const signatures = headers['webhook-signature']
  if (!id || !timestamp || !signatures) return false
  // Refuse replays: the timestamp must be within 5 minutes of now.
  if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300)) return false
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest()
  // "v1,<base64>", several separated by spaces while a secret is being rotated.
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    const given = Buffer.from(signature ?? '', 'base64')
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
  })
}
`
