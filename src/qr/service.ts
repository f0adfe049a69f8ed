// The QR code of a link's short URL (typed links: of their /l/ page), for the link's owner.
import type { Deps } from '../deps'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { findOwnLink } from '../links/service'
import { present } from '../links/present'
import { qrImage, type QrFormat, type QrStyle } from './render'
import { qrUrlOf } from './marker'

export const QR_SIZE = { min: 64, max: 2048, default: 256 }

export const QR_MARGIN = { min: 0, max: 16, default: 4 }

/** A colour of the query: 6 or 8 hex digits, with or without '#'; as the renderer takes it. */
export function qrColour(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined
  const hex = value.startsWith('#') ? value.slice(1) : value
  if (!/^(?:[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex))
    throw new AppError('VALIDATION_ERROR', `${field} must be a colour as 6 or 8 hex digits (rrggbb or rrggbbaa)`, { field })
  return `#${hex.toLowerCase()}`
}

type QrQuery = { format?: QrFormat; size?: number; fg?: string; bg?: string; margin?: number; level?: QrStyle['level'] }

/** The code encodes the short URL with the QR marker (?trigger=qr), so that its scans are told apart from clicks. */
export async function linkQr(deps: Deps, caller: Caller, idOrSlug: string, query: QrQuery) {
  const style: QrStyle = { fg: qrColour(query.fg, 'fg'), bg: qrColour(query.bg, 'bg'), margin: query.margin, level: query.level }
  const row = await findOwnLink(deps, caller, idOrSlug)
  const format = query.format ?? 'svg'
  const { body, contentType } = await qrImage(qrUrlOf(present(deps, row).shortUrl), format, query.size ?? QR_SIZE.default, style)
  return new Response(body, {
    headers: {
      'content-type': contentType,
      'content-disposition': `inline; filename="${row.slug}.${format}"`,
      // The short URL of a link never changes, but the link may be deleted: cache briefly, privately.
      'cache-control': 'private, max-age=300',
      'x-content-type-options': 'nosniff',
    },
  })
}
