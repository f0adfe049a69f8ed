// One HTTP/1.1 request whose socket goes to exactly the address that was checked (as webhook
// deliveries do: an HTTP client would resolve the host again after the check, and DNS rebinding
// could swap in an internal address), with its answer read whole, up to a bound.
import { isIP } from 'node:net'
import {
  UNREACHABLE, bareHost, checkWebhookUrl, dial, errorCode, internalAddress, resolveAll, withDeadline, type SendOptions,
} from '../webhooks/send'
import { parseAnswer, type PinnedAnswer } from './http-answer'

export type { PinnedAnswer }

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
