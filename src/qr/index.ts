// GET /api/v1/links/{idOrSlug}/qr: one call into the service.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { callerOperation } from '../docs/security'
import { mediaAnswer } from '../docs/document'
import { queryInt } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { linkQr, QR_MARGIN, QR_SIZE } from './service'

const params = t.Object({ idOrSlug: t.String({ minLength: 1, maxLength: 200 }) })
const query = t.Object({
  format: t.Optional(oneOf(['svg', 'png'], { description: 'svg (default) or png' })),
  size: queryInt('size', QR_SIZE.min, QR_SIZE.max),
  fg: t.Optional(t.String({ maxLength: 9, description: 'Foreground (module) colour, rrggbb or rrggbbaa hex, with or without #; default 000000', examples: ['1a237e'] })),
  bg: t.Optional(t.String({ maxLength: 9, description: 'Background colour, rrggbb or rrggbbaa hex (00 alpha for transparent); default ffffff', examples: ['ffffff'] })),
  margin: queryInt('margin', QR_MARGIN.min, QR_MARGIN.max),
  level: t.Optional(oneOf(['L', 'M', 'Q', 'H'], { description: 'Error-correction level: L 7 %, M 15 % (default), Q 25 %, H 30 %' })),
})
const image = mediaAnswer(`The QR code, size × size pixels (default ${QR_SIZE.default})`, { 'image/svg+xml': 'text', 'image/png': 'binary' })
const detail = callerOperation('QR code of a link',
  'A QR code of the short URL of one of the caller\'s links, as SVG (default) or PNG (`format`), `size` pixels square, '
  + 'in the colours `fg` and `bg`, with a quiet zone of `margin` modules (default 4) and error-correction `level` (default M). '
  + 'The code encodes the short URL with `?trigger=qr`: its scans are recorded with trigger `qr` (analytics `byTrigger`), and the '
  + 'marker is not passed on to the destination. '
  + 'Errors: 404 LINK_NOT_FOUND (also for another account\'s link); 400 VALIDATION_ERROR for a format, size, colour, margin or level out of range.')

export function qrPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.qr', prefix: '/api/v1/links', detail: { tags: ['Links'] } })
    .use(auth)
    .get('/:idOrSlug/qr', ({ params, query, caller }) => linkQr(deps, caller, params.idOrSlug, query),
      { auth: true, params, query, response: { 200: image, ...authErrors, ...errorsOf(400, 404, 503) }, detail })
}
