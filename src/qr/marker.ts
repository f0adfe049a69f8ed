// QR attribution: a link's QR code encodes its short URL with `?trigger=qr`. The redirect drops the
// marker before passing the query on to the destination; enrichment records the click's trigger
// (`qr`, else `link`) from the same query.
export const QR_MARKER = 'trigger=qr'

/** The short URL's query without a leading QR marker. */
export function withoutQrMarker(query: string): string {
  if (query === QR_MARKER) return ''
  return query.startsWith(QR_MARKER) && query.charCodeAt(QR_MARKER.length) === 38 /* & */ ? query.slice(QR_MARKER.length + 1) : query
}

/** `qr` when the query starts with the QR marker, else `link`. */
export const triggerOf = (query: string): 'qr' | 'link' => (query !== '' && withoutQrMarker(query) !== query ? 'qr' : 'link')

/** The URL a link's QR code encodes. */
export const qrUrlOf = (shortUrl: string) => `${shortUrl}${shortUrl.includes('?') ? '&' : '?'}${QR_MARKER}`
