// The addresses each account signed in from, for 30 days: in Redis (shared by every instance), in
// process without it or while it fails. Keys are hashes: no email or IP is readable in Redis.
import type Redis from 'ioredis'
import { LRUCache } from 'lru-cache'
import { sha256Hex } from '../shared/ids'
import { groupOf } from '../shared/request'

const TTL_MS = 30 * 86_400_000

export class KnownAddresses {
  private readonly local = new LRUCache<string, true>({ max: 100_000, ttl: TTL_MS })

  constructor(private readonly redis: Redis | null, private readonly prefix: string) {}

  async remember(email: string, ip: string): Promise<void> {
    if (!usable(ip)) return
    const key = this.keyOf(email, ip)
    this.local.set(key, true)
    await this.redis?.set(key, '1', 'PX', TTL_MS).catch(() => null)
  }

  async has(email: string, ip: string): Promise<boolean> {
    if (!usable(ip)) return false
    const key = this.keyOf(email, ip)
    if (this.local.has(key)) return true
    const found = await this.redis?.exists(key).catch(() => 0)
    return found === 1
  }

  private keyOf(email: string, ip: string) {
    return `${this.prefix}known-ip:${sha256Hex(`${email}\n${networkOf(ip)}`)}`
  }
}

// No address at all (a unix socket, an in-process call) proves nothing about the caller.
const usable = (ip: string) => ip !== '' && ip !== 'unknown'

/**
 * The address an owner keeps: an IPv4 address as it is, an IPv6 address by its /64 (privacy
 * extensions give a device a new interface half every day, its network stays).
 */
export function networkOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped ? mapped[1] : groupOf(ip)
}

