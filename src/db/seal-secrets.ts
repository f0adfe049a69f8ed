// At start: every stored secret (webhook signing secrets, TOTP secrets, previous providers' tokens) not sealed under the current SECRETS_KEY (plaintext from before
// encryption, or sealed under a previous key) is sealed again. Conditional on the value read, so
// instances starting together, or a concurrent rotation of the secret, never lose a write.
import { and, eq, isNotNull } from 'drizzle-orm'
import type { Config } from '../config'
import type { Db } from './client'
import type { Logger } from '../shared/log'
import { previousProviders, users, webhookEndpoints } from './schema'
import { needsSealing, openSecret, sealSecret } from '../shared/secret-box'

export const webhookSecretPlace = (endpointId: string) => `webhook_endpoints.secret:${endpointId}`
export const totpSecretPlace = (userId: string) => `users.totp_secret:${userId}`
export const previousTokenPlace = (domainId: string) => `previous_providers.token:${domainId}`

export async function sealStoredSecrets(db: Db, config: Pick<Config, 'secretsKeys'>, log: Logger): Promise<{ sealed: number }> {
  const keys = config.secretsKeys
  let sealed = 0
  // A value under a key no longer configured stays as it is (and fails where it is used).
  const reseal = (stored: string, place: string) => {
    try {
      return sealSecret(keys, openSecret(keys, stored, place), place)
    } catch (e) {
      log.error('a stored secret cannot be opened with SECRETS_KEY or SECRETS_KEY_PREVIOUS', { place, error: String(e) })
      return null
    }
  }
  const endpoints = await db.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret }).from(webhookEndpoints)
  for (const e of endpoints.filter((r) => needsSealing(keys, r.secret))) {
    const value = reseal(e.secret, webhookSecretPlace(e.id))
    if (value === null) continue
    const done = await db.update(webhookEndpoints).set({ secret: value })
      .where(and(eq(webhookEndpoints.id, e.id), eq(webhookEndpoints.secret, e.secret))).returning({ id: webhookEndpoints.id })
    sealed += done.length
  }
  const totp = await db.select({ id: users.id, secret: users.totpSecret }).from(users).where(isNotNull(users.totpSecret))
  for (const u of totp.filter((r) => needsSealing(keys, r.secret!))) {
    const value = reseal(u.secret!, totpSecretPlace(u.id))
    if (value === null) continue
    const done = await db.update(users).set({ totpSecret: value })
      .where(and(eq(users.id, u.id), eq(users.totpSecret, u.secret!))).returning({ id: users.id })
    sealed += done.length
  }
  const tokens = await db.select({ id: previousProviders.domainId, token: previousProviders.token }).from(previousProviders)
  for (const p of tokens.filter((r) => needsSealing(keys, r.token))) {
    const value = reseal(p.token, previousTokenPlace(p.id))
    if (value === null) continue
    const done = await db.update(previousProviders).set({ token: value })
      .where(and(eq(previousProviders.domainId, p.id), eq(previousProviders.token, p.token))).returning({ id: previousProviders.domainId })
    sealed += done.length
  }
  if (sealed) log.info('secrets at rest sealed under the current SECRETS_KEY', { sealed })
  return { sealed }
}
