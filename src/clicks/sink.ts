// The boundary between the redirect plane and the click plane.

/** The raw facts of one counted redirect; nothing here is parsed on the hot path. */
export type RawClick = {
  ts: number
  linkId: string
  ownerId: string
  domain: string
  ip: string
  ua: string
  referer: string
  /** The query string of the short URL, without '?', for UTM values. */
  query: string
}

export interface ClickSink {
  /** Synchronous and cheap: called once per counted redirect. */
  push(click: RawClick): void
  /** Writes everything buffered; resolves when it is stored. */
  flush(): Promise<void>
  close(): Promise<void>
}

/** Keeps a count and the clicks it received; stands in until the ClickHouse sink exists. */
export class CountingSink implements ClickSink {
  count = 0
  readonly received: RawClick[] = []
  constructor(private readonly keep = 10_000) {}
  push(click: RawClick) {
    this.count++
    if (this.received.length < this.keep) this.received.push(click)
  }
  async flush() {}
  async close() {}
}
