// API key values: `sk_live_` + 40 base62 characters; only the hash and a preview are stored.
import type { Tx } from '../db/client'
import { apiKeys } from '../db/schema'
import { newId, randomBase62, sha256Hex } from '../shared/ids'
import { API_KEY_PREFIX } from '../auth/caller'

export const generateApiKey = () => API_KEY_PREFIX + randomBase62(40)

/** "sk_live_abc1...xyz9" */
export const keyPreview = (key: string) => `${key.slice(0, API_KEY_PREFIX.length + 4)}...${key.slice(-4)}`

export async function insertApiKey(tx: Tx, userId: string, name: string, key = generateApiKey()) {
  const [row] = await tx.insert(apiKeys)
    .values({ id: newId('key'), userId, name, keyHash: sha256Hex(key), keyPreview: keyPreview(key) })
    .returning()
  return { row, key }
}
