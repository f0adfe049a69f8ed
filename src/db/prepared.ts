// Statements built once per database and kept: building drizzle's SQL costs more CPU than a small
// query's whole round trip, so the hottest queries are prepared with placeholders.
import type { Db } from './client'

export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>()
  return (db) => {
    let statement = built.get(db)
    if (!statement) built.set(db, statement = build(db))
    return statement
  }
}
