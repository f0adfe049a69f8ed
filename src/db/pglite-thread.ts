// The embedded PostgreSQL's thread: owns the PGlite instance, applies the migrations, and runs
// what the redirect thread's PgliteThread sends, one message per statement. Open transactions are
// held here by number until their end arrives; PGlite makes every other statement wait for them.
import { PGlite, types, type Transaction } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { mkdirSync } from 'node:fs'
import { toThreadError, type FromThread, type ToThread } from './pglite-remote'

declare const self: Worker

// Dates, times and intervals stay the text PostgreSQL sends, as drizzle's PGlite driver asks.
const keep = (value: string) => value
const PARSERS = Object.fromEntries([types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE,
  1231 /* numeric[] */, 1115 /* timestamp[] */, 1185 /* timestamptz[] */, 1187 /* interval[] */, 1182 /* date[] */].map((t) => [t, keep]))

let client: PGlite | null = null
let nextTx = 1
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<unknown> }>()
const ROLLBACK = new Error('rolled back')

const reply = (m: FromThread) => self.postMessage(m)

self.onmessage = async (event: MessageEvent<ToThread>) => {
  const msg = event.data
  if (msg.type === 'open') {
    try {
      if (msg.dir) mkdirSync(msg.dir, { recursive: true })
      // PostgreSQL's default 128 MB of shared buffers would be most of what the embedded default
      // holds at idle; its pages stay in the OS's file cache anyway, and a site that outgrows
      // this runs PostgreSQL.
      const options = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] }
      client = msg.dir ? new PGlite(msg.dir, options) : new PGlite(options)
      await migrate(drizzle(client), { migrationsFolder: msg.migrations })
      return reply({ type: 'ready' })
    } catch (e) {
      return reply({ type: 'open-failed', error: toThreadError(e) })
    }
  }
  const db = client!
  try {
    if (msg.type === 'query') {
      const on = msg.tx ? open.get(msg.tx)?.tx : db
      if (!on) throw new Error(`transaction ${msg.tx} is not open`)
      return reply({ type: 'ok', id: msg.id, result: await on.query(msg.sql, msg.params, { rowMode: msg.rowMode, parsers: PARSERS }) })
    }
    if (msg.type === 'begin') {
      const tx = nextTx++
      let answered = false
      const done = db.transaction(async (t) => {
        const commit = await new Promise<boolean>((end) => {
          open.set(tx, { tx: t, end, done })
          answered = true
          reply({ type: 'ok', id: msg.id, result: tx })
        })
        if (!commit) throw ROLLBACK
      })
      // (a transaction that could not begin fails its begin)
      done.catch((e) => { if (!answered) reply({ type: 'fail', id: msg.id, error: toThreadError(e) }) })
      return
    }
    if (msg.type === 'end') {
      const held = open.get(msg.tx)
      if (!held) throw new Error(`transaction ${msg.tx} is not open`)
      open.delete(msg.tx)
      held.end(msg.commit)
      await held.done.catch((e) => { if (e !== ROLLBACK) throw e })
      return reply({ type: 'ok', id: msg.id, result: null })
    }
    if (msg.type === 'close') {
      await db.close()
      return reply({ type: 'ok', id: msg.id, result: null })
    }
  } catch (e) {
    reply({ type: 'fail', id: msg.id, error: toThreadError(e) })
  }
}
