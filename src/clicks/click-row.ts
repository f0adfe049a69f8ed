// The shape of one row of ClickHouse's `clicks` table, as enrichment builds it; the batch, the
// spill file and the link.clicked facts all read it.
/** One ClickHouse row of the `clicks` table. */
export type ClickRow = {
  event_id: string
  /** Unix milliseconds; written as seconds.millis into DateTime64(3). */
  ts: number
  owner_id: string
  link_id: string
  domain: string
  country: string
  city: string
  device: string
  browser: string
  os: string
  referrer_host: string
  utm_source: string
  utm_medium: string
  utm_campaign: string
  is_bot: 0 | 1
  bot_reason: string
  visitor_hash: number
  utm_term?: string
  utm_content?: string
  /** The A/B test's variant (A-D) the visitor was sent to; '' (or left out) for none. */
  variant?: string
  /** 'qr' for a click through a link's QR code (its marker in the query), else 'link'; absent in rows spilled before it existed. */
  trigger?: 'qr' | 'link'
}
