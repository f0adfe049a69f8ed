// The addresses each account signed in from, for 30 days: in Redis (shared by every instance), in
// process without it or while it fails. Keys are hashes: no email or IP is readable in Redis.
import type Redis from 'ioredis'
import { LRUCache } from 'lru-cache'
import { isIPv6 } from 'node:net'
import type { Deps } from '../deps'
import { sha256Hex } from '../shared/ids'

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
  if (mapped) return mapped[1]
  if (!isIPv6(ip)) return ip
  const [head, tail = ''] = ip.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

const stores = new WeakMap<Deps, KnownAddresses>()

export function knownAddresses(deps: Deps): KnownAddresses {
  let store = stores.get(deps)
  if (!store) stores.set(deps, (store = new KnownAddresses(deps.redis?.command ?? null, deps.config.redisPrefix)))
  return store
}
