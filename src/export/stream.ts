// A download produced page by page: each pull reads one page (keyset-paginated) and writes it, so
// memory holds one page whatever the total; a client that stops reading stops the reads.
const encoder = new TextEncoder()

export type Pages<Row> = {
  /** The next page after `after` (null: the first), empty when done. */
  next(after: Row | null): Promise<Row[]>
  head: string
  row(row: Row, index: number): string
  tail: string
}

export function pagedStream<Row>(pages: Pages<Row>): ReadableStream<Uint8Array> {
  let last: Row | null = null
  let index = 0
  let started = false
  let done = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return
      let text = started ? '' : pages.head
      started = true
      const page = await pages.next(last)
      for (const r of page) text += pages.row(r, index++)
      if (page.length === 0) {
        done = true
        controller.enqueue(encoder.encode(text + pages.tail))
        controller.close()
        return
      }
      last = page[page.length - 1]
      controller.enqueue(encoder.encode(text))
    },
  }, { highWaterMark: 1 })
}

export const download = (body: ReadableStream<Uint8Array>, type: string, filename: string) =>
  new Response(body, {
    headers: {
      'content-type': type,
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
