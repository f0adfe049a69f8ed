// A single-link create as one statement, without an explicit transaction: the month's quota, the
// link and its outbox event are written together or not at all. The account's usage row (and its
// link_counts row, through the insert trigger) are the rows every create of the account updates;
// in one statement their locks are held only while it runs, not across round trips, so concurrent
// creates of one account do not queue behind each other's network waits.
import { getTableColumns, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Db } from '../db/client'
import { preparedPerDb } from '../db/prepared'
import { events, links, usagePeriods, type LinkRow } from '../db/schema'
import { AppError } from '../errors'
import type { Plan } from '../plans/table'
import { currentPeriod, type Period } from '../plans/period'
import { linkLimitExceeded } from '../plans/usage'
import { notifyUsageThresholds } from '../plans/thresholds'
import { outboxWrites } from '../events/outbox'
import { newId } from '../shared/ids'
import { generateSlug } from './slug'
import { linkEvent } from './present'

type Values = typeof links.$inferInsert & { userId: string; slug: string; createdAt: Date }

const QUOTA = 'kurz_quota'
const returned = {
  ...getTableColumns(links),
  linksUsed: sql<number>`(select links_created from kurz_quota)`.mapWith(Number),
  clicksUsed: sql<number>`(select clicks from kurz_quota)`.mapWith(Number),
}

/**
 * Inserts the link, counting it against the plan's monthly links and writing `link.created`.
 * The quota's upsert increments only while below the limit; when it does not, the link's owner
 * is NULL and the NOT NULL constraint aborts the whole statement (402). A taken slug aborts it on
 * the unique key: a generated slug is retried with another, a custom one is a 409.
 */
export async function insertCreatedLink(deps: Deps, plan: Plan, values: Values, generated: boolean,
  eventExtra: Record<string, unknown>, slugTaken: (slug: string) => AppError,
  { db = deps.db, nearLimit: onNearLimit }: InsertOptions = {}): Promise<{ row: LinkRow; linksUsed: number }> {
  if (plan.linkLimit <= 0) throw linkLimitExceeded(plan, deps.config.plans)
  const period = currentPeriod(values.createdAt)
  const { userId } = values
  const statement = createStatement(db, values)
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = generated && attempt > 0 ? generateSlug(7 + Math.floor(attempt / 3)) : values.slug
    const event = linkEvent(deps, 'link.created', { ...values, slug } as LinkRow, eventExtra)
    const params: Record<string, unknown> = {
      userId, periodStart: period.start, linkLimit: plan.linkLimit,
      eventId: newId('evt'), eventType: event.type, eventData: JSON.stringify(event.data),
    }
    for (const k of statement.columns) params[`v_${k}`] = k === 'slug' ? slug : values[k]
    try {
      const [r] = await statement.prepared.execute(params)
      outboxWrites.dispatchEvent(new Event('written'))
      const { linksUsed, clicksUsed, ...row } = r
      if (nearLimit(linksUsed, plan.linkLimit) || nearLimit(clicksUsed, plan.clickLimit)) {
        if (onNearLimit) onNearLimit(period)
        else await deps.db.transaction((tx) => notifyUsageThresholds(tx, userId, plan, period))
      }
      return { row: row as LinkRow, linksUsed }
    } catch (e) {
      if (violated(e, '23502', 'user_id')) throw linkLimitExceeded(plan, deps.config.plans)
      if (!violated(e, '23505')) throw e
      if (!generated) throw slugTaken(slug)
    }
  }
  throw new AppError('INTERNAL', 'Could not find a free slug')
}

/**
 * `db`: where the statement runs (a bulk create's one connection). `nearLimit`: called instead of
 * checking the usage thresholds when the account is near a limit (a bulk create checks once after).
 */
export type InsertOptions = { db?: Db; nearLimit?: (period: Period) => void }

type Column = Exclude<keyof Values, 'userId'>
type CreateStatement = { columns: Column[]; prepared: ReturnType<typeof prepare> }

/**
 * The statement is built once per set of given columns (a plain create always gives the same
 * set) and kept: building drizzle's SQL was a third of a create's CPU. A column left undefined is
 * left out, so that it takes its default, and so is a null one without a default (it is null
 * either way; a placeholder's encoder would refuse it). The cache is bounded by the few shapes a
 * create has.
 */
const shapesOf = preparedPerDb((): Map<string, CreateStatement> => new Map())
const MAX_SHAPES = 64
const linkColumns = getTableColumns(links)

function createStatement(db: Db, values: Values): CreateStatement {
  const columns = (Object.keys(values) as (keyof Values)[])
    .filter((k): k is Column => k !== 'userId' && values[k] !== undefined && (values[k] !== null || linkColumns[k].hasDefault)).sort()
  const key = columns.join(',')
  const byShape = shapesOf(db)
  let statement = byShape.get(key)
  if (!statement) {
    if (byShape.size >= MAX_SHAPES) byShape.clear()
    statement = { columns, prepared: prepare(db, columns, `kurz_create_link_${byShape.size}`) }
    byShape.set(key, statement)
  }
  return statement
}

function prepare(db: Db, columns: Column[], name: string) {
  const p = (name: string) => sql.placeholder(name)
  const quota = db.$with(QUOTA, {}).as(sql`insert into ${usagePeriods} (user_id, period_start, links_created)
    values (${p('userId')}, ${p('periodStart')}, 1)
    on conflict (user_id, period_start) do update set links_created = ${usagePeriods}.links_created + 1
    where ${usagePeriods}.links_created < ${p('linkLimit')}
    returning links_created, clicks`)
  const outbox = db.$with('kurz_event', {}).as(sql`insert into ${events} (id, user_id, type, data)
    values (${p('eventId')}, ${p('userId')}, ${p('eventType')}, ${p('eventData')}::jsonb)`)
  const row: Record<string, unknown> = { userId: sql`(select ${p('userId')}::text from kurz_quota)` }
  for (const k of columns) row[k] = p(`v_${k}`)
  return db.with(quota, outbox).insert(links).values(row as Values).returning(returned).prepare(name)
}

/** At 90 % of a limit or past it, a plan.limit_warning or plan.limit_reached may be due. */
const nearLimit = (used: number, limit: number) => limit > 0 && used * 10 >= limit * 9

function violated(e: unknown, sqlState: string, column?: string): boolean {
  const pg = (x: unknown) => (x && typeof x === 'object' && 'code' in x ? x as { code: unknown; column_name?: unknown; column?: unknown } : undefined)
  const err = pg(e) ?? pg((e as { cause?: unknown })?.cause)
  return err?.code === sqlState && (column === undefined || (err.column_name ?? err.column) === column)
}
