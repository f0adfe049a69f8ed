// GET /api/v1/links/{idOrSlug}/qr: one call into the service.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { errorSchemas } from '../shared/error-schemas'
import { queryInt } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { linkQr, QR_SIZE } from './service'

const params = t.Object({ idOrSlug: t.String({ minLength: 1, maxLength: 200 }) })
const query = t.Object({
  format: t.Optional(oneOf(['svg', 'png'], { description: 'svg (default) or png' })),
  size: queryInt('size', QR_SIZE.min, QR_SIZE.max),
})
const image = t.String({ description: `image/svg+xml or image/png, size × size pixels (default ${QR_SIZE.default})` })

export function qrPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.qr', prefix: '/api/v1/links', detail: { tags: ['Links'] } })
    .use(auth)
    .get('/:idOrSlug/qr', ({ params, query, caller }) => linkQr(deps, caller, params.idOrSlug, query),
      { auth: true, params, query, response: { 200: image, ...errorSchemas } })
}
