// A raw HTTP/1.1 answer as read off a socket: its status and body (1xx blocks skipped;
// chunked or Content-Length framing). Nothing here opens a connection.

export type PinnedAnswer = { status: number; body: string }

/** Status and body of a raw HTTP/1.1 answer (1xx blocks skipped; chunked or Content-Length framing). */
export function parseAnswer(raw: Buffer): PinnedAnswer {
  let text = raw.toString('latin1')
  for (;;) {
    const end = text.indexOf('\r\n\r\n')
    if (end < 0) throw new Error('the answer has no complete header block')
    const lines = text.slice(0, end).split('\r\n')
    const match = /^HTTP\/1\.[01] ([1-5]\d\d)/.exec(lines[0])
    if (!match) throw new Error('malformed status line')
    const status = Number(match[1])
    const rest = text.slice(end + 4)
    if (status < 200) { text = rest; continue }
    const headers = new Map(lines.slice(1).map((l) => {
      const i = l.indexOf(':')
      return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()] as const
    }))
    const bytes = Buffer.from(rest, 'latin1')
    const body = headers.get('transfer-encoding')?.toLowerCase().includes('chunked')
      ? dechunk(bytes)
      : headers.has('content-length') ? bytes.subarray(0, Number(headers.get('content-length'))) : bytes
    return { status, body: body.toString('utf8') }
  }
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at)
    if (lineEnd < 0) throw new Error('a chunk has no size line')
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0], 16)
    if (!Number.isFinite(size)) throw new Error('a chunk size is not a number')
    if (size === 0) return Buffer.concat(parts)
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}
