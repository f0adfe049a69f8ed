// Where idempotency records live: Redis (shared by every instance) when there is one, the process's
// memory without it, as the other shared state of Deps does. A record is either a claim (a request
// with that key is running) or the saved first response; both carry the request's fingerprint.
import type Redis from 'ioredis'
import { luaScript } from '../shared/redis'
import { LRUCache } from 'lru-cache'

export type SavedResponse = { status: number; headers: [string, string][]; body: string }
export type IdempotencyRecord =
  | { state: 'running'; fingerprint: string; token: string }
  | { state: 'done'; fingerprint: string; token: string; response: SavedResponse }

export interface IdempotencyStore {
  /** Claims `key` for the request `token` (null: claimed), or answers the record already there. */
  claim(key: string, record: IdempotencyRecord & { state: 'running' }, lockMs: number): Promise<IdempotencyRecord | null>
  /** Saves the first response in place of the claim `token` made (null: drops the claim). */
  settle(key: string, token: string, record: IdempotencyRecord | null, keepMs: number): Promise<void>
}

// GET, or SET NX when absent: one round trip, atomic.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`
// Replaces or deletes the record only while it is still this request's claim.
const SETTLE = `local v = redis.call('GET', KEYS[1])
if not v or cjson.decode(v).token ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`

const claimScript = luaScript(CLAIM)
const settleScript = luaScript(SETTLE)

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  async claim(key: string, record: IdempotencyRecord, lockMs: number) {
    const found = await claimScript(this.redis, [key], JSON.stringify(record), String(lockMs)) as string | null
    return found ? JSON.parse(found) as IdempotencyRecord : null
  }

  async settle(key: string, token: string, record: IdempotencyRecord | null, keepMs: number) {
    await settleScript(this.redis, [key], token, record ? JSON.stringify(record) : '', String(keepMs))
  }
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new LRUCache<string, IdempotencyRecord>({ max: 100_000, ttlAutopurge: false })

  async claim(key: string, record: IdempotencyRecord, lockMs: number) {
    const found = this.records.get(key)
    if (found) return found
    this.records.set(key, record, { ttl: lockMs })
    return null
  }

  async settle(key: string, token: string, record: IdempotencyRecord | null, keepMs: number) {
    if (this.records.get(key)?.token !== token) return
    if (record) this.records.set(key, record, { ttl: keepMs })
    else this.records.delete(key)
  }
}
