// Redis connections and the invalidation bus. Without REDIS_URL the bus is in-process only.
import Redis from 'ioredis'
import { createHash } from 'node:crypto'
import { silentLogger, type Logger } from './log'

export type RedisClients = { command: Redis; subscriber: Redis }

/**
 * Commands fail fast when Redis is away (no offline queue, short timeout), so callers fall back
 * to the LRU and Postgres instead of waiting; the connection keeps retrying in the background.
 */
export function connectRedis(url: string): RedisClients {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    lazyConnect: false,
  }
  // Commands issued in one event-loop turn (the redirects of a busy instance) go out as one
  // pipeline: one write and one read instead of one each per command.
  const command = new Redis(url, { ...options, enableAutoPipelining: true })
  // The subscriber must queue its SUBSCRIBE until connected, and is never used for commands.
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, commandTimeout: undefined })
  for (const c of [command, subscriber]) c.on('error', () => {}) // reported through /ready, not the log
  return { command, subscriber }
}

/**
 * A Lua script called by its SHA1 (EVALSHA): the body crosses the wire and is hashed by Redis only
 * when Redis does not have it yet (after a restart or SCRIPT FLUSH), answered NOSCRIPT.
 */
export function luaScript(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex')
  return async (redis: Redis, keys: readonly string[], ...args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith('NOSCRIPT'))) throw e
      return redis.eval(lua, keys.length, ...keys, ...args)
    }
  }
}

export type Bus = {
  publish(channel: string, message: string): void
  subscribe(channel: string, onMessage: (message: string) => void): void
  /** Called after the connection to the bus came back: messages may have been missed. */
  onReconnect(fn: () => void): void
  /**
   * True while Redis is configured but the subscription is down: invalidations from other
   * instances are being lost, so local caches must keep entries only briefly.
   */
  degraded(): boolean
  /** Called on entering the degraded state: what is cached may already be stale. */
  onDegraded(fn: () => void): void
  close(): Promise<void>
}

export function createBus(redis: RedisClients | null, prefix: string, log: Logger = silentLogger): Bus {
  const handlers = new Map<string, ((m: string) => void)[]>()
  const deliver = (channel: string, message: string) => handlers.get(channel)?.forEach((h) => h(message))
  if (!redis) {
    return {
      publish: (channel, message) => deliver(channel, message),
      subscribe: (channel, fn) => void handlers.set(channel, [...(handlers.get(channel) ?? []), fn]),
      onReconnect: () => {},
      degraded: () => false,
      onDegraded: () => {},
      close: async () => {},
    }
  }
  const reconnectHandlers: (() => void)[] = []
  const degradedHandlers: (() => void)[] = []
  let wasReady = false
  let degraded = false
  let closing = false
  // Both connections count: without the subscriber this instance misses evictions, without the
  // command connection the others miss this instance's.
  const ready = new Set<Redis>()
  for (const c of [redis.command, redis.subscriber]) {
    c.on('ready', () => {
      ready.add(c)
      if (ready.size < 2) return
      const missed = wasReady || degraded
      if (degraded) log.info('Redis is back: shared cache and invalidations resume; local caches cleared')
      degraded = false
      if (missed) reconnectHandlers.forEach((f) => f())
      wasReady = true
    })
    // 'close' also comes after a failed first connect: an instance that starts without Redis is degraded too.
    c.on('close', () => {
      ready.delete(c)
      if (degraded || closing) return
      degraded = true
      log.warn('Redis unreachable: invalidations from other instances are lost; links and callers are cached only briefly until it is back')
      degradedHandlers.forEach((f) => f())
    })
  }
  redis.subscriber.on('message', (ch: string, message: string) => deliver(ch.slice(prefix.length), message))
  return {
    publish(channel, message) {
      // Local delivery does not wait for the round trip; the instance that wrote sees it at once.
      deliver(channel, message)
      redis.command.publish(prefix + channel, message).catch(() => {})
    },
    subscribe(channel, fn) {
      if (!handlers.has(channel)) void redis.subscriber.subscribe(prefix + channel).catch(() => {})
      handlers.set(channel, [...(handlers.get(channel) ?? []), fn])
    },
    onReconnect: (fn) => void reconnectHandlers.push(fn),
    degraded: () => degraded,
    onDegraded: (fn) => void degradedHandlers.push(fn),
    async close() {
      closing = true
      redis.subscriber.disconnect()
      redis.command.disconnect()
    },
  }
}
