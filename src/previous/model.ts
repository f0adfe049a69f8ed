// Request and response schemas of a domain's previous provider.
import { t, type Static } from 'elysia'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { PROVIDERS } from './providers'

export const idParams = t.Object({ id: t.String({ maxLength: 64 }) })

export const setBody = t.Object({
  provider: oneOf(PROVIDERS, { description: 'The shortener the domain pointed at before Kurz' }),
  apiUrl: t.Optional(t.String({ maxLength: 2048, description: 'Its API\'s address (https; public). Default for bitly: https://api-ssl.bitly.com, for kutt: https://kutt.it; required for yourls and shlink', examples: ['https://s.example.com'] })),
  token: t.String({ minLength: 1, maxLength: 1024, description: 'Its API token (Bitly access token, YOURLS signature, Shlink or Kutt API key); stored encrypted, never shown again' }),
}, { examples: [{ provider: 'shlink', apiUrl: 'https://s.example.com', token: 'a1b2c3d4-…' }] })
export type SetProviderInput = Static<typeof setBody>

const provider = t.Object({
  provider: oneOf(PROVIDERS), apiUrl: t.String(), createdAt: t.String({ format: 'date-time' }), updatedAt: t.String({ format: 'date-time' }),
})

export const responses = {
  one: ok(provider),
  maybe: ok(t.Nullable(provider)),
  removed: t.Object({ success: t.Literal(true), message: t.String() }),
}
