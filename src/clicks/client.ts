// One ClickHouse API, two engines: a ClickHouse server when CLICKHOUSE_URL is set, else chDB
// in-process under DATA_DIR/clickhouse. Everything above this file speaks @clickhouse/client.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../config'

export type ClickHouse = {
  client: ClickHouseClient
  engine: 'chdb' | 'server'
  /** Cluster name when CLICKHOUSE_CLUSTER is set: DDL and mutations go ON CLUSTER to local tables. */
  cluster: string | null
  /**
   * chDB only: an insert whose bytes go to the engine as they are, parsed off the event loop.
   * The client's insert would turn them into a string and back on this thread first.
   */
  insertBytes?(p: { table: string; columns: readonly string[]; values: Uint8Array; format: 'TabSeparated'; settings: Record<string, string | number> }): Promise<unknown>
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

/** chDB binds one data directory per process; close() waits until the engine has let it go. */
export async function openChdb(dir: string): Promise<ClickHouse> {
  const { createChdbConnection } = await import('chdb/connection')
  const { drainPending } = await import('chdb')
  mkdirSync(dir, { recursive: true })
  const connection = createChdbConnection({ path: dir })
  // (cast: chdb re-exports the Connection type of its own copy of @clickhouse/client-common)
  const client = createClient({ connection: connection as never })
  return {
    client,
    engine: 'chdb',
    cluster: null,
    insertBytes: (p) => connection.chdb.rawInsert({ ...p, columns: [...p.columns] }),
    async close() {
      await client.close()
      await drainPending()
    },
  }
}

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

/** Rows of a JSONEachRow query; 64-bit integers may come back quoted from a server. */
export async function rows<T>(ch: ClickHouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}
