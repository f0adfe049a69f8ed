// A one-off correction: links.clicks and the monthly usage used to count the bot clicks that the
// analytics leave out. The bots counted so far are the bots ClickHouse holds from before this
// version started, so they are subtracted once, per link and per account and month. A Postgres
// migration cannot read ClickHouse, hence a job at start, recorded in one_off_runs when done.
// (Bots whose events ClickHouse no longer holds, past CLICKS_TTL_DAYS, stay counted.)
import { eq, sql } from 'drizzle-orm'
import { withXactLock, type Db, type Tx } from '../db/client'
import { oneOffRuns } from '../db/schema'
import { rows, type ClickHouse } from './client'

const NAME = 'bots-out-of-click-counters'
const LOCK = 727_274_020
/** Rows per statement: each stays well inside the statement timeout. */
const CHUNK = 5000

/**
 * Subtracts the bot clicks stored before `before` (this process's start: since then no bot is
 * counted), unless an instance did it already. Returns whether it ran now.
 */
export async function takeBotsOutOfCounters(db: Db, ch: ClickHouse, before: Date): Promise<boolean> {
  const done = async (tx: Tx) => (await tx.select().from(oneOffRuns).where(eq(oneOffRuns.name, NAME))).length > 0
  if (await done(db)) return false
  const at = { before: before.toISOString().replace('T', ' ').replace('Z', '') }
  const perLink = await rows<{ id: string; n: string }>(ch,
    `SELECT link_id AS id, count() AS n FROM clicks WHERE is_bot = 1 AND ts < toDateTime64({before:String}, 3, 'UTC') GROUP BY link_id`, at)
  const perMonth = await rows<{ id: string; period: string; n: string }>(ch,
    `SELECT owner_id AS id, toString(toStartOfMonth(ts)) AS period, count() AS n FROM clicks
     WHERE is_bot = 1 AND ts < toDateTime64({before:String}, 3, 'UTC') GROUP BY owner_id, period`, at)
  return withXactLock(db, LOCK, async (tx) => {
    if (await done(tx)) return false
    for (let i = 0; i < perLink.length; i += CHUNK) {
      const chunk = JSON.stringify(perLink.slice(i, i + CHUNK))
      await tx.execute(sql`update links l set clicks = greatest(0, l.clicks - x.n)
        from json_to_recordset(${chunk}::json) as x(id text, n bigint) where l.id = x.id`)
    }
    for (let i = 0; i < perMonth.length; i += CHUNK) {
      const chunk = JSON.stringify(perMonth.slice(i, i + CHUNK))
      await tx.execute(sql`update usage_periods u set clicks = greatest(0, u.clicks - x.n)
        from json_to_recordset(${chunk}::json) as x(id text, period date, n bigint) where u.user_id = x.id and u.period_start = x.period`)
    }
    await tx.insert(oneOffRuns).values({ name: NAME })
    return true
  })
}
