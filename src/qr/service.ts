// The QR code of a link's short URL (typed links: of their /l/ page), for the link's owner.
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { findOwnLink } from '../links/service'
import { present } from '../links/present'
import { qrImage, type QrFormat } from './render'

export const QR_SIZE = { min: 64, max: 2048, default: 256 }

export async function linkQr(deps: Deps, caller: Caller, idOrSlug: string, query: { format?: QrFormat; size?: number }) {
  const row = await findOwnLink(deps, caller, idOrSlug)
  const format = query.format ?? 'svg'
  const { body, contentType } = await qrImage(present(deps, row).shortUrl, format, query.size ?? QR_SIZE.default)
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
