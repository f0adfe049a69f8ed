// Safety of destinations: what a short link may point at.
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { canonicalHost, isLoopbackHost } from './own-hosts'

export type DestinationPolicy = {
  /** Whether a host (as canonicalHost gives it) is this service: a link there is a redirect loop. */
  ownHosts: (host: string) => boolean
  blocklist: readonly string[]
}

const MAX_URL_LENGTH = 8192

/** This installation's policy: its own hosts (a link there would loop) and URL_BLOCKLIST. */
export function destinationPolicy(deps: Deps): DestinationPolicy {
  const shortHost = canonicalHost(deps.config.shortHost)
  // Any port of any of these is this service; verified custom domains all redirect here too.
  const ownHosts = (host: string) => host === shortHost || isLoopbackHost(host) || deps.ownAddresses.has(host) ||
    deps.domains.namespaceOf(host) !== ''
  return { ownHosts, blocklist: deps.config.urlBlocklist }
}


/** Returns the normalized, properly encoded URL, or throws INVALID_URL saying why. */
export function checkDestination(input: string, policy: DestinationPolicy, field = 'originalUrl'): string {
  const fail = (why: string) => { throw new AppError('INVALID_URL', why, { field }) }
  // WHATWG parsing silently drops tabs and newlines ("java\tscript:"), so refuse any control character first.
  if (/[\u0000-\u001F\u007F]/.test(input)) fail('The URL contains control characters')
  const raw = input.trim()
  if (!raw) fail('The URL is empty')
  if (raw.length > MAX_URL_LENGTH) fail(`The URL is longer than ${MAX_URL_LENGTH} characters`)
  if (!URL.canParse(raw)) fail('The URL is not an absolute URL')
  const url = new URL(raw)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('Only http and https URLs can be shortened')
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) fail('The URL must be absolute, with a scheme and //')
  if (!url.hostname) fail('The URL has no host')
  if (url.username || url.password) fail('URLs with credentials cannot be shortened')
  const host = canonicalHost(url.hostname)
  if (policy.ownHosts(host)) fail('The URL points at this service (a redirect loop)')
  if (policy.blocklist.some((b) => host === b || host.endsWith(`.${b}`))) fail(`The host ${host} is blocked`)
  return url.href
}
