// All Postgres tables. One schema serves PostgreSQL and PGlite alike.
import { sql } from 'drizzle-orm'
import {
  bigint, boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const roleEnum = pgEnum('role', ['USER', 'ADMIN'])
export const linkStatusEnum = pgEnum('link_status', ['ACTIVE', 'EXPIRED', 'USED', 'DISABLED'])
export const linkKindEnum = pgEnum('link_kind', ['url', 'wifi', 'vcard', 'text'])
export const linkSourceEnum = pgEnum('link_source', ['API', 'DASHBOARD', 'BULK', 'IMPORT'])

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  name: text('name'),
  passwordHash: text('password_hash'),
  role: roleEnum('role').notNull().default('USER'),
  plan: text('plan').notNull(),
  blocked: boolean('blocked').notNull().default(false),
  emailVerified: boolean('email_verified').notNull().default(false),
  totpSecret: text('totp_secret'),
  totpEnabled: boolean('totp_enabled').notNull().default(false),
  /** When the pending (not yet enabled) TOTP secret was set up: it expires after TOTP_SETUP_TTL_SECONDS. */
  totpSetupAt: tsz('totp_setup_at'),
  /** Last TOTP time step accepted, so that a code is accepted once. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  /** JWTs issued before this instant are refused (set by a password reset). */
  tokensValidAfter: tsz('tokens_valid_after'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('users_email_key').on(t.email)])

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** SHA-256 of the key, hex. The key itself is never stored. */
  keyHash: text('key_hash').notNull(),
  keyPreview: text('key_preview').notNull(),
  lastUsedAt: tsz('last_used_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash), index('api_keys_user_idx').on(t.userId)])

/** Single-use 2FA recovery codes (SHA-256, hex; the codes are shown once and never stored). */
export const recoveryCodes = pgTable('recovery_codes', {
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  codeHash: text('code_hash').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.userId, t.codeHash] })])

/** Requests per key per UTC day; written in batches by the key usage recorder, never per request. */
export const apiKeyUsage = pgTable('api_key_usage', {
  keyId: text('key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  requests: bigint('requests', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.keyId, t.day] })])

/** One-time email tokens (verification, password reset); only their SHA-256 is stored. */
export const accountTokens = pgTable('account_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose').notNull(),
  expiresAt: tsz('expires_at').notNull(),
  createdAt: createdAt(),
}, (t) => [index('account_tokens_user_idx').on(t.userId, t.purpose)])

export const domains = pgTable('domains', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  hostname: text('hostname').notNull(),
  verificationToken: text('verification_token').notNull(),
  isVerified: boolean('is_verified').notNull().default(false),
  verifiedAt: tsz('verified_at'),
  /** Smart links: where this domain's expired or used-up links send visitors instead of a 410. */
  expiredUrl: text('expired_url'),
  /** Smart links: where unknown slugs on this domain send visitors instead of a 404. */
  notFoundUrl: text('not_found_url'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('domains_hostname_key').on(t.hostname), index('domains_user_idx').on(t.userId)])

export const links = pgTable('links', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** Hostname of the custom domain whose namespace holds the slug; '' for the default domain. */
  domain: text('domain').notNull().default(''),
  slug: text('slug').notNull(),
  kind: linkKindEnum('kind').notNull().default('url'),
  originalUrl: text('original_url'),
  payload: jsonb('payload'),
  title: text('title'),
  summary: text('summary'),
  status: linkStatusEnum('status').notNull().default('ACTIVE'),
  singleUse: boolean('single_use').notNull().default(false),
  clicks: bigint('clicks', { mode: 'number' }).notNull().default(0),
  expiresAt: tsz('expires_at'),
  source: linkSourceEnum('source').notNull().default('API'),
  // Smart links (protect, limit, fall back, preview): null/0 on a plain link.
  /** argon2id hash of the link's password (Bun.password); the password itself is never stored. */
  passwordHash: text('password_hash'),
  /** Clicks after which the link is used up; null for no limit. */
  maxClicks: integer('max_clicks'),
  /** Clicks counted against maxClicks, by the same conditional UPDATE that enforces it. */
  uses: integer('uses').notNull().default(0),
  /** Where the link sends visitors once expired or used up, instead of a 410. */
  expiredUrl: text('expired_url'),
  /** Social preview tags { title, description, image } served to link-preview crawlers. */
  og: jsonb('og'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  /** Routing rules (src/rules/model.ts), in order; null for none. */
  rules: jsonb('rules'),
  /** The A/B test's variants (src/rules/model.ts); null for none. */
  abTest: jsonb('ab_test'),
  /** UTM values appended to every destination of the link; null for none. */
  utm: jsonb('utm'),
  /** Ids of the account's tags on this link (src/tags); a tag's deletion removes its id here. */
  tagIds: text('tag_ids').array().notNull().default(sql`'{}'::text[]`),
}, (t) => [
  uniqueIndex('links_domain_slug_key').on(t.domain, t.slug),
  index('links_tag_ids_idx').using('gin', t.tagIds),
  // The list's order (newest first, id as the tie-break) read straight off the index.
  index('links_user_created_idx').on(t.userId, t.createdAt, t.id),
  index('links_expiry_idx').on(t.expiresAt).where(sql`status = 'ACTIVE' and expires_at is not null`),
])

/**
 * How many links each account holds, kept by statement triggers on `links` (migration 0002), so
 * that a list's total is one row read instead of a count over the account's links.
 */
export const linkCounts = pgTable('link_counts', {
  userId: text('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  links: bigint('links', { mode: 'number' }).notNull().default(0),
})

/** Monthly usage per account; one row per billing period. */
export const usagePeriods = pgTable('usage_periods', {
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  linksCreated: integer('links_created').notNull().default(0),
  clicks: bigint('clicks', { mode: 'number' }).notNull().default(0),
  /** Which plan.limit_warning / plan.limit_reached events this period already fired, e.g. ['links:90']. */
  notified: text('notified').array().notNull().default(sql`'{}'::text[]`),
}, (t) => [primaryKey({ columns: [t.userId, t.periodStart] })])

/**
 * The outbox: every domain event is written here in the same transaction as the change that
 * caused it. Webhook delivery reads it; nothing that writes links needs to know about webhooks.
 */
export const events = pgTable('events', {
  id: text('id').primaryKey(),
  userId: text('user_id'),
  type: text('type').notNull(),
  data: jsonb('data').notNull(),
  createdAt: createdAt(),
  dispatchedAt: tsz('dispatched_at'),
}, (t) => [
  index('events_undispatched_idx').on(t.createdAt).where(sql`dispatched_at is null`),
  // For pruning what was dispatched long ago.
  index('events_dispatched_idx').on(t.dispatchedAt),
  // For a link's status history: one account's events of one type, in time order.
  index('events_user_type_idx').on(t.userId, t.type, t.createdAt),
])

export const deliveryStatusEnum = pgEnum('delivery_status', ['PENDING', 'SUCCESS', 'FAILED'])

/** Where an account's events are sent. The secret signs every delivery; it is shown once. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  description: text('description'),
  secret: text('secret').notNull(),
  events: text('events').array().notNull(),
  isActive: boolean('is_active').notNull().default(true),
  /** Consecutive failed attempts; a success sets it back to 0. */
  failureCount: integer('failure_count').notNull().default(0),
  /** When the current run of failures began; after 10 days of it the endpoint is turned off. */
  failingSince: tsz('failing_since'),
  /** The last failed attempt: a run of failures ends after a day without one. */
  lastFailedAt: tsz('last_failed_at'),
  /** Set when delivery turned the endpoint off, not its owner. */
  disabledReason: text('disabled_reason'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('webhook_endpoints_user_idx').on(t.userId)])

/**
 * One event for one endpoint, with every attempt's outcome. The body is kept as sent, so that a
 * retry signs and sends the same bytes. An attempt first claims its row with a lease
 * (claimed_until), and its outcome is written only under that same lease: instances and manual
 * retries never send the same attempt twice, and a crashed instance's claim lapses.
 */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: text('id').primaryKey(),
  endpointId: text('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
  eventId: text('event_id').notNull(),
  eventType: text('event_type').notNull(),
  body: text('body').notNull(),
  status: deliveryStatusEnum('status').notNull().default('PENDING'),
  httpStatus: integer('http_status'),
  attemptCount: integer('attempt_count').notNull().default(0),
  responseTimeMs: integer('response_time_ms'),
  lastError: text('last_error'),
  /** Null once the delivery has succeeded or given up. */
  nextAttemptAt: tsz('next_attempt_at'),
  claimedUntil: tsz('claimed_until'),
  createdAt: createdAt(),
  deliveredAt: tsz('delivered_at'),
}, (t) => [
  uniqueIndex('webhook_deliveries_event_key').on(t.endpointId, t.eventId),
  index('webhook_deliveries_history_idx').on(t.endpointId, t.createdAt, t.id),
  index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'PENDING'`),
  // For pruning the history.
  index('webhook_deliveries_created_idx').on(t.createdAt),
])

export type UserRow = typeof users.$inferSelect
export type LinkRow = typeof links.$inferSelect
export type ApiKeyRow = typeof apiKeys.$inferSelect
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect

/**
 * Links deleted whose clicks are still to be deleted from ClickHouse: written in the link
 * deletion's transaction, removed once ClickHouse has done it, retried until then.
 */
export const analyticsDeletions = pgTable('analytics_deletions', {
  linkId: text('link_id').primaryKey(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tsz('next_attempt_at').notNull().defaultNow(),
  lastError: text('last_error'),
  createdAt: createdAt(),
}, (t) => [index('analytics_deletions_due_idx').on(t.nextAttemptAt)])

/**
 * The click batches whose counts links.clicks and usage_periods already hold, by the batch's
 * token: a batch counted again (a replay of the counters log after an answer was lost) is skipped.
 * Kept a week.
 */
export const countedClickBatches = pgTable('counted_click_batches', {
  token: text('token').primaryKey(),
  countedAt: timestamp('counted_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('counted_click_batches_counted_at_idx').on(t.countedAt)])

/** One-off data corrections that need more than SQL (e.g. ClickHouse's figures), each applied once. */
export const oneOffRuns = pgTable('one_off_runs', {
  name: text('name').primaryKey(),
  doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
})

export const importStatusEnum = pgEnum('import_status', ['QUEUED', 'RUNNING', 'DONE', 'FAILED'])

/**
 * A file of links being imported: its rows, parsed when it was uploaded, are worked through in
 * chunks by whichever instance holds the lease; `position` is the next row, so a restart resumes.
 */
export const imports = pgTable('imports', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  format: text('format').notNull(),
  dryRun: boolean('dry_run').notNull().default(false),
  status: importStatusEnum('status').notNull().default('QUEUED'),
  rows: jsonb('rows').notNull(),
  total: integer('total').notNull(),
  position: integer('position').notNull().default(0),
  created: integer('created').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  /** The failed rows: { row, code, reason }, the first 1,000. */
  errors: jsonb('errors').notNull().default(sql`'[]'::jsonb`),
  leaseUntil: tsz('lease_until'),
  error: text('error'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  finishedAt: tsz('finished_at'),
}, (t) => [index('imports_user_idx').on(t.userId, t.createdAt), index('imports_pending_idx').on(t.status, t.leaseUntil)])

export const previousProviderEnum = pgEnum('previous_provider', ['bitly', 'yourls', 'shlink', 'kutt'])

/**
 * A custom domain's previous shortener: a slug unknown on the domain is asked of it (once) while
 * links move over. `token` is sealed (secret-box) like every other secret at rest.
 */
export const previousProviders = pgTable('previous_providers', {
  domainId: text('domain_id').primaryKey().references(() => domains.id, { onDelete: 'cascade' }),
  provider: previousProviderEnum('provider').notNull(),
  apiUrl: text('api_url').notNull(),
  token: text('token').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})
/** Tags of an account: a name (unique per account) and a colour; links hold their ids in links.tag_ids. */
export const tags = pgTable('tags', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  color: text('color').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('tags_user_name_key').on(t.userId, t.name)])
export type TagRow = typeof tags.$inferSelect

/** Reusable UTM values of an account, applied to links by the client. */
export const utmTemplates = pgTable('utm_templates', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  utm: jsonb('utm').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('utm_templates_user_name_key').on(t.userId, t.name)])
export type UtmTemplateRow = typeof utmTemplates.$inferSelect
