// Bounds on every wait for PostgreSQL, so that a slow or lost server fails a request within
// seconds (503) instead of holding it: the server cancels a statement past statement_timeout; a
// connection whose peer stopped answering (a cut without a reset, which TCP alone notices only
// after many minutes) is destroyed; a query or transaction that waits for a pool connection
// longer than a statement may take gives up.
import net from 'node:net'
import type postgres from 'postgres'

export type DbTimeouts = { statementMs: number; connectMs: number }

/** Beyond statement_timeout, the time an answer (even the server's cancellation) may take to arrive. */
const ANSWER_GRACE_MS = 2000

type SocketOptions = { host: string[]; port: number[]; path?: string | false; ssl?: unknown }

/** postgres.js options that apply the bounds (the pool waits are bounded by `boundedClient`). */
export function boundedOptions(t: DbTimeouts) {
  let next = 0
  return {
    connect_timeout: t.connectMs / 1000,
    idle_timeout: 60,
    // The default grows to 20 s between attempts and holds every query queued behind them.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connection: { statement_timeout: t.statementMs },
    socket(o: SocketOptions) {
      const socket = new net.Socket()
      const i = next++ % o.host.length
      if (o.path) socket.connect(o.path)
      else socket.connect(o.port[i] ?? o.port[0], o.host[i])
      Object.assign(socket, { host: o.host[i] }) // (read for TLS's server name)
      watchAnswers(socket, t.statementMs + ANSWER_GRACE_MS, !o.ssl)
      return socket
    },
  }
}

/** An error of ours that means the database is unavailable (see isUnavailable). */
export const dbUnavailable = (code: 'DB_NO_ANSWER' | 'DB_POOL_TIMEOUT', message: string) => Object.assign(new Error(message), { code })

/**
 * Destroys the socket when something sent has had no answer for `ms`: the queries on it then fail
 * at once. Waiting starts at a write and ends at a chunk that ends with ReadyForQuery (the server
 * is idle); any other chunk is progress and restarts the wait. Over TLS the bytes cannot be read,
 * so any chunk ends the wait.
 */
function watchAnswers(socket: net.Socket, ms: number, plain: boolean) {
  let waitingSince = 0
  // Armed only while something waits, so that an idle connection wakes nothing up.
  let timer: ReturnType<typeof setTimeout> | null = null
  const check = () => {
    timer = null
    if (!waitingSince) return
    const waited = performance.now() - waitingSince
    if (waited > ms) return void socket.destroy(dbUnavailable('DB_NO_ANSWER', `PostgreSQL did not answer within ${ms} ms`))
    arm(ms - waited + 1)
  }
  const arm = (after: number) => {
    timer = setTimeout(check, after)
    timer.unref?.()
  }
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
  socket.write = ((...args: unknown[]) => {
    if (!waitingSince) waitingSince = performance.now()
    if (!timer) arm(ms + 1)
    return write(...args)
  }) as typeof socket.write
  socket.on('data', (chunk: Buffer) => {
    waitingSince = plain && !endsWithReadyForQuery(chunk) ? performance.now() : 0
  })
  socket.once('close', () => timer && clearTimeout(timer))
}

/** ReadyForQuery is 'Z', length 5, and the transaction status I, T or E. */
function endsWithReadyForQuery(b: Buffer) {
  const n = b.length
  return n >= 6 && b[n - 6] === 0x5a && b.readUInt32BE(n - 5) === 5 && [0x49, 0x54, 0x45].includes(b[n - 1])
}

/** What postgres.js keeps on a query, read or changed here. */
type QueryInternals = { state: unknown; cancelled: unknown; strings: string[]; args: unknown[]; tagged: boolean; options: Record<string, unknown> }

/**
 * Makes a query given up while queued a no-op that may still run. postgres.js hands a closed
 * connection the query that made it reconnect, to send once it is open; when that query was
 * cancelled meanwhile, the connection skips it and then never opens (it waits for the answer to a
 * query it did not send), so a pool could lose every connection to one outage. Defused, the query
 * is sent as `select 1`, its answer goes nowhere, and the connection opens. A query cancelled in
 * the pool's queue was taken out of it and never runs.
 */
function defuse(query: object) {
  const q = query as unknown as QueryInternals
  Object.assign(q, { cancelled: false, strings: ['select 1'], args: [], tagged: false, options: { ...q.options, simple: true, prepare: false } })
}

/**
 * The client drizzle is given: queries and transactions that are still waiting for a pool
 * connection after `waitMs` are given up with an error (a query already sent is the server's and
 * the watchdog's to bound). The rest is postgres.js's own.
 */
export function boundedClient(client: postgres.Sql, waitMs: number): postgres.Sql {
  const unsafe = (...args: Parameters<typeof client.unsafe>) => {
    const q = client.unsafe(...args)
    // (`state` is set once a connection took the query: only a query still queued is cancelled.)
    // The timer holds the query weakly: a query holds its result, and a page of rows read and
    // dropped by its caller must not stay reachable until the timer fires. A query still queued
    // is held by the pool's queue.
    const ref = new WeakRef(q)
    const timer = setTimeout(() => {
      const queued = ref.deref()
      if (!queued || (queued as unknown as QueryInternals).state) return
      queued.cancel()
      defuse(queued)
    }, waitMs)
    timer.unref?.()
    return q
  }
  const begin = (...args: unknown[]) => {
    const fn = args.at(-1) as (tx: postgres.TransactionSql) => unknown
    let state: 'waiting' | 'started' | 'abandoned' = 'waiting'
    const started = (client.begin as (...a: unknown[]) => Promise<unknown>)(...args.slice(0, -1), (tx: postgres.TransactionSql) => {
      // A transaction that got its connection after its caller gave up rolls back at once.
      if (state === 'abandoned') throw dbUnavailable('DB_POOL_TIMEOUT', 'abandoned')
      state = 'started'
      return fn(tx)
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (state !== 'waiting') return
        state = 'abandoned'
        reject(dbUnavailable('DB_POOL_TIMEOUT', `no PostgreSQL connection within ${waitMs} ms`))
      }, waitMs)
    })
    started.catch(() => {}) // (its rejection after an abandon is nobody's)
    return Promise.race([started, gaveUp]).finally(() => clearTimeout(timer))
  }
  return Object.assign(Object.create(client), { unsafe, begin }) as postgres.Sql
}

/** A connection of the pool to itself, or DB_POOL_TIMEOUT when none frees up within `waitMs`. */
export async function reserveWithin(client: postgres.Sql, waitMs: number): Promise<postgres.ReservedSql> {
  const asked = client.reserve()
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(dbUnavailable('DB_POOL_TIMEOUT', `no PostgreSQL connection within ${waitMs} ms`)), waitMs)
  })
  try {
    return await Promise.race([asked, gaveUp])
  } catch (e) {
    // (a connection that arrives after the caller gave up goes back to the pool)
    asked.then((r) => r.release(), () => {})
    throw e
  } finally {
    clearTimeout(timer)
  }
}
