// One HTTP/1.1 request whose socket goes to exactly the address that was checked (as webhook
// deliveries do: an HTTP client would resolve the host again after the check, and DNS rebinding
// could swap in an internal address), with its answer read whole, up to a bound.
import { isIP } from 'node:net'
import {
  UNREACHABLE, bareHost, checkWebhookUrl, dial, errorCode, internalAddress, resolveAll, withDeadline, type SendOptions,
} from '../webhooks/send'

export type PinnedAnswer = { status: number; body: string }

const MAX_ANSWER_BYTES = 256 * 1024

/** Throws (with a reason) on a refused URL or address, a timeout, or a malformed answer. */
export async function requestPinned(
  url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }, opts: SendOptions,
): Promise<PinnedAnswer> {
  const refused = checkWebhookUrl(url, opts.allowPrivate)
  if (refused) throw new Error(refused)
  const target = new URL(url)
  return withDeadline(opts.timeoutMs, async (signal) => {
    const host = bareHost(target)
    const addresses = isIP(host) ? [host] : await resolveAll(host, opts, signal)
    const internal = opts.allowPrivate ? null : internalAddress(host, addresses)
    if (internal) throw new Error(internal)
    const request = Buffer.from(head(target, init) + (init.body ?? ''), 'utf8')
    let unreachable: unknown
    for (const address of addresses) {
      if (signal.aborted) throw new Error('aborted')
      try {
        return parseAnswer(await exchange(target, address, request, signal))
      } catch (e) {
        if (!UNREACHABLE.has(errorCode(e) ?? '')) throw e
        unreachable = e
      }
    }
    throw unreachable
  })
}

function head(target: URL, init: { method: string; headers?: Record<string, string>; body?: string }): string {
  const lines = [
    `${init.method} ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    'Accept: application/json',
    'Accept-Encoding: identity',
    'User-Agent: Kurz/1.0',
    'Connection: close',
  ]
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (/[\r\n\0]/.test(name + value)) throw new Error(`invalid header ${JSON.stringify(name)}`)
    lines.push(`${name}: ${value}`)
  }
  if (init.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(init.body, 'utf8')}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

/** Everything the peer sends until it closes (Connection: close), at most MAX_ANSWER_BYTES. */
function exchange(target: URL, address: string, request: Buffer, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dial(target, address)
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      outcome()
    }
    const onAbort = () => settle(() => reject(new Error('aborted')))
    signal.addEventListener('abort', onAbort, { once: true })
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_ANSWER_BYTES) return settle(() => reject(new Error('the answer is too large')))
      chunks.push(chunk)
    })
    socket.on('error', (e) => settle(() => reject(e)))
    socket.on('end', () => settle(() => resolve(Buffer.concat(chunks))))
    socket.on('close', () => settle(() => resolve(Buffer.concat(chunks))))
    socket.write(request)
  })
}

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
