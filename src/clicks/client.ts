// One ClickHouse API, two engines: a ClickHouse server when CLICKHOUSE_URL is set, else chDB
// in-process under DATA_DIR/clickhouse. Everything above this file speaks @clickhouse/client.
import { mkdirSync, rmSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../config'

export type ClickHouse = {
  client: ClickHouseClient
  engine: 'chdb' | 'server'
  /** Cluster name when CLICKHOUSE_CLUSTER is set: DDL and mutations go ON CLUSTER to local tables. */
  cluster: string | null
  /**
   * chDB only: inserts TabSeparated bytes through a file that the engine reads itself, off the
   * event loop. `columns` names each column with the type its text is read as. `staged` is a file
   * of `stageDir` that already holds the bytes; the file is removed either way.
   */
  insertTsv?(p: { table: string; columns: Readonly<Record<string, string>>; values: Uint8Array; staged?: string; settings: Record<string, string | number> }): Promise<void>
  /**
   * chDB only: inserts the TabSeparated rows of several files of one directory as ONE insert (one
   * part), leaving out the rows of `skipLinks`. The files are kept: the caller removes them.
   */
  insertFiles?(p: { table: string; columns: Readonly<Record<string, string>>; files: readonly string[]; skipLinks: readonly string[]; settings: Record<string, string | number> }): Promise<void>
  /** chDB only: where another thread may write a batch's file ahead of its insert (see `staged`). */
  stageDir?: string
  close(): Promise<void>
}

// A batch that takes longer than this is treated as failed and goes to the spill file.
const REQUEST_TIMEOUT_MS = 10_000

export const chdbDir = (dataDir: string) => join(dataDir, 'clickhouse')

export async function openClickHouse(config: Config): Promise<ClickHouse> {
  const ch = config.clickhouse
  if (ch.url) {
    const auth = { ...(ch.user ? { username: ch.user } : {}), ...(ch.password ? { password: ch.password } : {}) }
    if (ch.database !== 'default') await ensureDatabase(ch.url, auth, ch.database)
    const client = createClient({
      url: ch.url, ...auth, database: ch.database, request_timeout: REQUEST_TIMEOUT_MS,
      // Failures are logged once by the sink, with what happened to the batch.
      log: { level: ClickHouseLogLevel.OFF },
      // Inserts into a Distributed table must reach the shards before we call the batch stored.
      clickhouse_settings: ch.cluster ? { distributed_foreground_insert: 1 } : {},
    })
    return { client, engine: 'server', cluster: ch.cluster, close: () => client.close() }
  }
  return openChdb(chdbDir(config.dataDir))
}

/**
 * Server settings of the embedded engine. Its memory worker corrects the engine's memory
 * accounting every 50 ms by default (in a cgroup): most of an idle Kurz's CPU besides its event
 * loop. Once a second is enough for a click store.
 */
const ENGINE_ARGS = ['--memory_worker_period_ms=1000']

/** chDB binds one data directory per process; close() waits until the engine has let it go. */
export async function openChdb(dir: string): Promise<ClickHouse> {
  const { createChdbConnection } = await import('chdb/connection')
  const { drainPending, Session } = await import('chdb')
  mkdirSync(dir, { recursive: true })
  // Files of inserts under way; what a killed process left here was never acknowledged.
  const inbox = join(dir, 'inbox')
  rmSync(inbox, { recursive: true, force: true })
  mkdirSync(inbox)
  let inserts = 0
  // The engine takes its server settings from the first connection to its directory: this one.
  const engine = new Session(dir, { connectionArgs: ENGINE_ARGS })
  const connection = createChdbConnection({ path: dir })
  // (cast: chdb re-exports the Connection type of its own copy of @clickhouse/client-common)
  const client = createClient({ connection: connection as never })
  return {
    client,
    engine: 'chdb',
    cluster: null,
    // Through file() and not chDB's inline insert (connection.chdb.rawInsert): given the types,
    // the engine's file reader parses the same bytes for about a fifth of the CPU (into a Null
    // table), which makes a 3,000-click insert with its merges about a fifth cheaper.
    stageDir: inbox,
    async insertTsv({ table, columns, values, staged, settings }) {
      const file = staged ?? join(inbox, `${++inserts}.tsv`)
      if (!staged) await Bun.write(file, values)
      try {
        await client.command({ query: insertFromFile(table, columns, file, ''), clickhouse_settings: settings })
      } finally {
        await unlink(file).catch(() => {})
      }
    },
    async insertFiles({ table, columns, files, skipLinks, settings }) {
      if (files.length === 0) return
      await client.command({
        query: insertFromFile(table, columns, filesGlob(files), skipLinks.length > 0 ? ' WHERE link_id NOT IN {skip:Array(String)}' : ''),
        query_params: { skip: skipLinks },
        clickhouse_settings: settings,
      })
    },
    async close() {
      await client.close()
      engine.close()
      await drainPending()
    },
  }
}

/** The engine's file() path for these files of one directory: {a,b} is either file. */
export function filesGlob(files: readonly string[]): string {
  const dir = dirname(files[0])
  const names = files.map((f) => {
    if (dirname(f) !== dir || !/^[\w.-]+$/.test(basename(f))) throw new Error(`${f} is not a plain file of ${dir}`)
    return basename(f)
  })
  return join(dir, names.length === 1 ? names[0] : `{${names.join(',')}}`)
}

/** INSERT … SELECT from the engine's own file reader, given the columns' types (no inference). */
function insertFromFile(table: string, columns: Readonly<Record<string, string>>, path: string, where: string): string {
  const names = Object.keys(columns).map(quoteIdent).join(', ')
  return `INSERT INTO ${quoteIdent(table)} (${names}) SELECT * FROM file(${quoteString(path)}, 'TabSeparated', ${quoteString(tsvStructure(columns))})${where}`
}

/** file()'s structure argument: each column with the type its text is read as. */
export const tsvStructure = (columns: Readonly<Record<string, string>>) =>
  Object.entries(columns).map(([name, type]) => `${quoteIdent(name)} ${type}`).join(', ')

async function ensureDatabase(url: string, auth: { username?: string; password?: string }, database: string) {
  const bare = new URL(url)
  bare.pathname = '/'
  const admin = createClient({ url: bare.toString(), ...auth, request_timeout: REQUEST_TIMEOUT_MS })
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)}` })
  } finally {
    await admin.close()
  }
}

export const quoteIdent = (name: string) => '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`'
export const quoteString = (text: string) => "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"

/** Rows of a JSONEachRow query; 64-bit integers may come back quoted from a server. */
export async function rows<T>(ch: ClickHouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}
