// What the OpenAPI document says of a domain's previous provider.
import { callerOperation as op } from '../docs/security'

export const docs = {
  get: op('The previous provider of a domain', 'The shortener asked for this domain\'s unknown slugs, without its token; null when none. '
    + 'Errors: 404 NOT_FOUND (not your domain); 400 VALIDATION_ERROR.'),
  set: op('Set the previous provider of a domain',
    'While links move over, a slug unknown on this domain is asked of the shortener the domain pointed at before (Bitly v4 expand, '
    + 'YOURLS expand, Shlink\'s short-URL endpoint, Kutt\'s links API). When it knows the link, the link is created in your account '
    + '(source IMPORT) and the visitor is redirected; that slug is never asked again. Unknown answers are cached like other misses; '
    + 'questions are bounded per domain and minute and time out quickly. `apiUrl` must be https on a public address (it is checked '
    + 'again, and the connection pinned to the checked address, on every question). The token is stored encrypted. '
    + 'Errors: 404 NOT_FOUND (not your domain); 400 VALIDATION_ERROR (an unknown provider, a missing or refused apiUrl, no token).'),
  remove: op('Stop asking the previous provider', 'Errors: 404 NOT_FOUND (not your domain, or no previous provider); 400 VALIDATION_ERROR.'),
}
