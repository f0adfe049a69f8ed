// Secrets at rest (webhook signing secrets, TOTP secrets): AES-256-GCM under a key from config.
// A sealed value names its key, so a rotated key's rows still open until they are sealed again;
// the value's place (table, column, row) is authenticated too, so a copy into another row fails.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

export type SecretKeys = { current: Buffer; previous: readonly Buffer[] }

const PREFIX = 'enc:v1:'
/** A short, public name of a key: the first bytes of its SHA-256. */
export const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

/** `enc:v1:{key id}:{base64url of iv ‖ ciphertext ‖ tag}` */
export function sealSecret(keys: SecretKeys, plaintext: string, place: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keys.current, iv).setAAD(Buffer.from(place))
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${PREFIX}${keyIdOf(keys.current)}:${body.toString('base64url')}`
}

/** True for a value not sealed, or sealed under an older key: the start re-seals those. */
export const needsSealing = (keys: SecretKeys, stored: string) => !stored.startsWith(`${PREFIX}${keyIdOf(keys.current)}:`)

/**
 * The plaintext. A value without the prefix is a row from before encryption and is returned as
 * it is (the start seals such rows; this keeps them working meanwhile).
 */
export function openSecret(keys: SecretKeys, stored: string, place: string): string {
  if (!stored.startsWith(PREFIX)) return stored
  const [kid, data] = stored.slice(PREFIX.length).split(':')
  const key = [keys.current, ...keys.previous].find((k) => keyIdOf(k) === kid)
  if (!key) throw new Error(`secret sealed under key ${kid}, which is neither SECRETS_KEY nor in SECRETS_KEY_PREVIOUS`)
  const body = Buffer.from(data ?? '', 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12)).setAAD(Buffer.from(place))
  decipher.setAuthTag(body.subarray(body.length - 16))
  return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8')
}
