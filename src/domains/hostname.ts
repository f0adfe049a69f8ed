// What a custom domain's hostname may be: a public DNS name, normalised to lower-case ASCII.
import { domainToASCII } from 'node:url'
import { isIP } from 'node:net'
import { AppError } from '../errors'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** Lower-cased, IDN to punycode, trailing dot dropped; 400 naming `hostname` when it is not a DNS name. */
export function normalizeHostname(raw: string, ownHost: string): string {
  const trimmed = raw.trim().toLowerCase().replace(/\.$/, '')
  const invalid = (why: string) => new AppError('VALIDATION_ERROR', `hostname ${why}`, { field: 'hostname' })
  if (/[/:@?#\s]/.test(trimmed)) throw invalid('must be a bare host name such as go.example.com, without scheme, port or path')
  if (isIP(trimmed)) throw invalid('must be a DNS name, not an IP address')
  const host = domainToASCII(trimmed)
  if (!host || host.length > 253) throw invalid('is not a valid DNS name')
  const labels = host.split('.')
  if (labels.length < 2) throw invalid('needs at least two labels, such as example.com')
  if (!labels.every((l) => LABEL.test(l))) throw invalid('has a label that is not 1 to 63 letters, digits or inner hyphens')
  if (/^\d+$/.test(labels.at(-1)!)) throw invalid('must end in a top-level domain')
  if (host === ownHost) throw invalid(`${host} is this service's own domain`)
  return host
}
