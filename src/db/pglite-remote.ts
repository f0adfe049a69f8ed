// The embedded PostgreSQL (PGlite) runs on a thread of its own; this is its handle on the redirect
// thread. PGlite executes statements synchronously in WebAssembly, so on the redirect thread every
// API statement stalled the redirects queued behind it, and its ~270 MB of WebAssembly memory
// counted towards that thread's heap size, by which its collector paces itself. Here the thread
// sees a `query`/`transaction` surface, the one drizzle's PGlite driver uses, and every call is a
// message.
import type { PGlite } from '@electric-sql/pglite'
import { dbUnavailable } from './bounded'

export type RowMode = 'array' | 'object'
export type ToThread =
  | { type: 'open'; dir: string | null; migrations: string }
  | { type: 'query'; id: number; tx: number; sql: string; params: unknown[]; rowMode: RowMode }
  | { type: 'begin'; id: number }
  | { type: 'end'; id: number; tx: number; commit: boolean }
  | { type: 'close'; id: number }
export type ThreadError = { message: string; props: Record<string, unknown> }
export type FromThread =
  | { type: 'ready' }
  | { type: 'open-failed'; error: ThreadError }
  | { type: 'ok'; id: number; result: unknown }
  | { type: 'fail'; id: number; error: ThreadError }

/**
 * An error as it crosses threads: its message and own fields (a database error's `code`,
 * `column`, `constraint`...), enumerable or not: PGlite's `column` is not.
 */
export const toThreadError = (e: unknown): ThreadError => e instanceof Error
  ? { message: e.message, props: Object.fromEntries(Object.getOwnPropertyNames(e).filter((k) => k !== 'stack' && k !== 'message')
    .map((k) => [k, (e as unknown as Record<string, unknown>)[k]]).filter(([, v]) => v === null || typeof v !== 'object' && typeof v !== 'function')) }
  : { message: String(e), props: {} }
const fromThreadError = (e: ThreadError) => Object.assign(new Error(e.message), e.props)

type Queryable = {
  query(sql: string, params?: unknown[], options?: { rowMode?: RowMode }): Promise<unknown>
}

export class PgliteThread implements Queryable {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  private dead: Error | null = null

  private constructor(private readonly worker: Worker) {}

  /** Starts the thread, opens PGlite in `dir` (in memory when null) and applies the migrations. */
  static async open(dir: string | null, migrations: string): Promise<PgliteThread> {
    const worker = new Worker(new URL('./pglite-thread.ts', import.meta.url).href)
    const thread = new PgliteThread(worker)
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<FromThread>) => {
        const msg = event.data
        if (msg.type === 'ready') return resolve()
        if (msg.type === 'open-failed') {
          worker.terminate()
          return reject(fromThreadError(msg.error))
        }
        const p = thread.pending.get(msg.id)
        if (!p) return
        thread.pending.delete(msg.id)
        if (thread.pending.size === 0) worker.unref()
        if (msg.type === 'ok') p.resolve(msg.result)
        else p.reject(fromThreadError(msg.error))
      }
      const die = (error: Error) => {
        reject(error)
        thread.dead ??= error
        for (const p of thread.pending.values()) p.reject(error)
        thread.pending.clear()
        worker.unref()
      }
      worker.onerror = (event) => die(dbUnavailable('DB_NO_ANSWER', `the embedded database stopped: ${event.message}`))
      worker.addEventListener('close', () => die(dbUnavailable('DB_NO_ANSWER', 'the embedded database stopped')))
      worker.postMessage({ type: 'open', dir, migrations } satisfies ToThread)
    })
    worker.unref() // nothing awaited: the thread alone keeps no process alive
    return thread
  }

  private call(msg: DistributiveOmit<Exclude<ToThread, { type: 'open' }>, 'id'>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.ref() // an answer is awaited: keep the process alive for it
      this.worker.postMessage({ ...msg, id } as ToThread)
    })
  }

  query(sql: string, params: unknown[] = [], options?: { rowMode?: RowMode }) {
    return this.queryIn(0, sql, params, options)
  }

  /** A statement in transaction `tx` (0: none). */
  private queryIn(tx: number, sql: string, params: unknown[] = [], options?: { rowMode?: RowMode }) {
    return this.call({ type: 'query', tx, sql, params, rowMode: options?.rowMode ?? 'object' })
  }

  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. As in
   * PGlite itself, statements from outside wait until it ends.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = await this.call({ type: 'begin' }) as number
    const scoped: Queryable = { query: (sql, params, options) => this.queryIn(tx, sql, params, options) }
    let result: T
    try {
      result = await fn(scoped)
    } catch (e) {
      await this.call({ type: 'end', tx, commit: false }).catch(() => {})
      throw e
    }
    await this.call({ type: 'end', tx, commit: true })
    return result
  }

  async close(): Promise<void> {
    if (this.dead) return
    await this.call({ type: 'close' }).catch(() => {})
    this.dead = new Error('the embedded database is closed')
    this.worker.terminate()
  }

  /** For drizzle's PGlite driver, which needs only `query` and `transaction`. */
  asPglite(): PGlite {
    return this as unknown as PGlite
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
