// One webhook POST over a hand-written HTTP/1.1 exchange. An HTTP client would resolve the host
// again after our check, so DNS rebinding could swap in an internal address; here the socket
// goes to exactly the address that was checked.
import { lookup, Resolver } from 'node:dns/promises'
import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { isPublicAddress } from './address'
import { parseAnswer } from '../shared/http-answer'

export type SendOptions = {
  /** DNS servers ("ip" or "ip:port" or "[v6]:port") to resolve with; empty: the system's resolver (node:dns lookup, which also reads /etc/hosts). */
  dnsServers: readonly string[]
  /** Test and intranet setups: allow http:// URLs and non-public addresses. Default deployments: false. */
  allowPrivate: boolean
  timeoutMs: number
}

export type SendResult = { httpStatus: number | null; responseTimeMs: number; error: string | null }
/** With the answer read: the first BODY_EXCERPT characters of its body; null when none could be read. */
export type AnsweredResult = SendResult & { responseBody: string | null }

// Only the status is wanted; a peer sending this much without one is not speaking HTTP.
const MAX_RESPONSE_HEAD = 16 * 1024
// Reading the answer (test sends only): at most this many bytes, for at most this long after the
// status line and never past the send's deadline (a peer that keeps the connection open despite
// Connection: close gets cut off, and its status still counts).
const MAX_ANSWER = 16 * 1024
const ANSWER_WAIT_MS = 2_000
const BODY_EXCERPT = 1_000
// Written by the transport: a caller's value would break the request's framing.
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding'])
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Failures to connect, before a byte is sent: the next address may answer. */
export const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT'])
/** No such name, or no record of that type: an empty answer, not a failure. */
const EMPTY_ANSWERS = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN'])

/** Null when the URL may be registered, else why not. */
export function checkWebhookUrl(url: string, allowPrivate: boolean): string | null {
  let target: URL
  try { target = new URL(url) } catch { return 'not an absolute URL' }
  if (target.protocol !== 'https:' && !(allowPrivate && target.protocol === 'http:')) {
    return allowPrivate ? 'only http and https URLs are allowed' : 'only https URLs are allowed'
  }
  if (target.username || target.password) return 'credentials in the URL are not allowed'
  const host = bareHost(target)
  if (!host) return 'the URL has no host'
  if (!allowPrivate && isIP(host) && !isPublicAddress(host)) return `${host} is not a public address`
  return null
}

/**
 * Registration's check: checkWebhookUrl, then (unless allowPrivate) the addresses the host resolves
 * to now. A name that does not resolve (yet) is accepted: every delivery checks again anyway.
 */
export async function checkWebhookTarget(url: string, opts: SendOptions): Promise<string | null> {
  const refused = checkWebhookUrl(url, opts.allowPrivate)
  if (refused || opts.allowPrivate) return refused
  const host = bareHost(new URL(url))
  if (isIP(host)) return null
  try {
    return internalAddress(host, await withDeadline(opts.timeoutMs, (signal) => resolveAll(host, opts, signal)))
  } catch {
    return null
  }
}

/** Never throws: every failure, refusals included, comes back as `error`. Stops reading at the status line. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, opts: SendOptions): Promise<SendResult> {
  const { responseBody: _, ...result } = await send(url, headers, body, opts, false)
  return result
}

/** postWebhook that also reads the answer (bounded) and keeps the start of its body, for test sends. */
export function postWebhookReadingAnswer(url: string, headers: Record<string, string>, body: string, opts: SendOptions): Promise<AnsweredResult> {
  return send(url, headers, body, opts, true)
}

async function send(url: string, headers: Record<string, string>, body: string, opts: SendOptions, read: boolean): Promise<AnsweredResult> {
  const started = performance.now()
  const result = (answer: Answer | null, error: string | null): AnsweredResult =>
    ({ httpStatus: answer?.status ?? null, responseTimeMs: Math.round(performance.now() - started), error, responseBody: answer?.body ?? null })
  const refused = checkWebhookUrl(url, opts.allowPrivate)
  if (refused) return result(null, refused)
  try {
    // (the body is read until shortly before the deadline, which would otherwise lose the status too)
    const readUntil = read ? started + opts.timeoutMs - 50 : null
    return result(await withDeadline(opts.timeoutMs, (signal) => deliver(new URL(url), headers, body, opts, signal, readUntil)), null)
  } catch (e) {
    return result(null, describe(e))
  }
}

type Answer = { status: number; body: string | null }

async function deliver(target: URL, headers: Record<string, string>, body: string, opts: SendOptions, signal: AbortSignal, readUntil: number | null): Promise<Answer> {
  const request = Buffer.from(requestHead(target, headers, body) + body, 'utf8')
  const host = bareHost(target)
  const addresses = isIP(host) ? [host] : await resolveAll(host, opts, signal)
  const refused = opts.allowPrivate ? null : internalAddress(host, addresses)
  if (refused) throw new Error(refused)
  // Each checked address in turn while one cannot be reached (an AAAA on a host without IPv6,
  // say); never after a connection was made, so nothing is sent twice.
  let unreachable: unknown
  for (const address of addresses) {
    if (signal.aborted) throw new Error('aborted') // timed out: connecting now would outlive the call
    try {
      return await exchange(target, address, request, signal, readUntil)
    } catch (e) {
      if (!UNREACHABLE.has(errorCode(e) ?? '')) throw e
      unreachable = e
    }
  }
  throw unreachable
}

/** Runs `work` against a deadline; whatever it leaves running is told to stop through the signal. */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const aborter = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms}ms`)), ms)
  })
  try {
    return await Promise.race([work(aborter.signal), deadline])
  } finally {
    clearTimeout(timer)
    aborter.abort()
  }
}

export function internalAddress(host: string, addresses: string[]): string | null {
  const internal = addresses.find((address) => !isPublicAddress(address))
  // (Without the address: an error must not map the deployment's internal names for a caller.)
  return internal ? `${host} resolves to an address that is not public` : null
}

export async function resolveAll(host: string, opts: SendOptions, signal: AbortSignal): Promise<string[]> {
  if (!opts.dnsServers.length) return (await lookup(host, { all: true })).map((a) => a.address)
  const resolver = new Resolver({ timeout: opts.timeoutMs, tries: 1 })
  resolver.setServers([...opts.dnsServers])
  signal.addEventListener('abort', () => resolver.cancel(), { once: true })
  const answers = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)])
  const addresses = answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : []))
  if (addresses.length) return addresses
  const failure = answers.map((a) => (a.status === 'rejected' ? errorCode(a.reason) : undefined)).find((c) => c && !EMPTY_ANSWERS.has(c))
  throw new Error(failure ? `resolving ${host} failed: ${failure}` : `${host} has no address`)
}

function requestHead(target: URL, headers: Record<string, string>, body: string): string {
  const given = Object.entries(headers)
  for (const [name, value] of given) {
    if (!HEADER_NAME.test(name) || /[\r\n\0]/.test(value)) throw new Error(`invalid header ${JSON.stringify(name)}`)
    if (TRANSPORT_HEADERS.has(name.toLowerCase())) throw new Error(`header ${name} is set by the transport`)
  }
  const replaced = new Set(given.map(([name]) => name.toLowerCase()))
  return [
    `POST ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    ...(replaced.has('content-type') ? [] : ['Content-Type: application/json']),
    `Content-Length: ${Buffer.byteLength(body, 'utf8')}`,
    ...(replaced.has('user-agent') ? [] : ['User-Agent: Kurz-Webhooks/1.0']),
    'Connection: close',
    ...given.map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n') + '\r\n\r\n'
}

/** A socket to exactly `address`, for the URL's port; TLS checks the certificate against the URL's host name. */
export function dial(target: URL, address: string): Socket {
  const host = bareHost(target)
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80)
  // servername makes TLS check the certificate against the hostname, not the address we dialled.
  return target.protocol === 'https:'
    ? connectTls({ host: address, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: true })
    : connectTcp({ host: address, port })
}

/**
 * Sends the request to `address` and settles with the final status code (and, with `readUntil`,
 * the start of the answer's body, read until then at the latest); the socket is always destroyed.
 */
function exchange(target: URL, address: string, request: Buffer, signal: AbortSignal, readUntil: number | null): Promise<Answer> {
  const read = readUntil !== null
  return new Promise((resolve, reject) => {
    const socket = dial(target, address)
    let settled = false
    let wait: ReturnType<typeof setTimeout> | undefined
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(wait)
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      outcome()
    }
    const onAbort = () => settle(() => reject(new Error('aborted')))
    signal.addEventListener('abort', onAbort, { once: true })
    let head = ''
    let status: number | null = null
    const answered = () => settle(() => resolve({ status: status!, body: read ? bodyExcerpt(head) : null }))
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      try {
        status ??= finalStatus(head)
        if (status !== null) {
          if (!read || head.length >= MAX_ANSWER) answered()
          else wait ??= setTimeout(answered, Math.max(0, Math.min(ANSWER_WAIT_MS, readUntil! - performance.now())))
        } else if (head.length > MAX_RESPONSE_HEAD) settle(() => reject(new Error('no status line in the response')))
      } catch (e) {
        settle(() => reject(e))
      }
    })
    socket.on('error', (e) => (status !== null ? answered() : settle(() => reject(e))))
    socket.on('close', () => (status !== null ? answered() : settle(() => reject(new Error('connection closed before a status line')))))
    socket.write(request)
  })
}

/** The first BODY_EXCERPT characters of the answer's body (of its first MAX_ANSWER bytes); null when it cannot be parsed. */
function bodyExcerpt(raw: string): string | null {
  try {
    return [...parseAnswer(Buffer.from(raw.slice(0, MAX_ANSWER), 'latin1')).body].slice(0, BODY_EXCERPT).join('')
  } catch {
    return null
  }
}

/** The first non-1xx status, or null while more bytes are needed; throws on a malformed status line. */
function finalStatus(head: string): number | null {
  let start = 0
  for (;;) {
    const end = head.indexOf('\r\n', start)
    if (end < 0) return null
    const line = head.slice(start, end)
    const match = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/.exec(line)
    if (!match) throw new Error(`malformed status line ${JSON.stringify(line.slice(0, 100))}`)
    const status = Number(match[1])
    if (status >= 200) return status
    // 1xx answers (103 Early Hints) come before the real one: skip their header block.
    const blockEnd = head.indexOf('\r\n\r\n', start)
    if (blockEnd < 0) return null
    start = blockEnd + 4
  }
}

export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

export function errorCode(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  const code = errorCode(e)
  return code && !message.includes(code) ? `${code}: ${message}` : message
}
