// What the OpenAPI document says of each custom domains route: summary, description (limits, errors), security.
import { callerOperation as op } from '../docs/security'

export const docs = {
  create: op('Add a custom domain',
    'Registers `hostname` for the caller and answers the TXT record that proves ownership (`verificationToken`). A hostname belongs to '
    + 'one account. Plan limits: the plan\'s number of custom domains (403 FORBIDDEN; plans without domains refuse every one). '
    + 'Errors: 400 VALIDATION_ERROR (not a hostname, or this service\'s own); 409 CONFLICT when it is registered already.'),
  list: op('List your custom domains', 'The caller\'s domains with `isVerified` and `verifiedAt`. Errors: 400 VALIDATION_ERROR.'),
  get: op('Get a custom domain', 'One of the caller\'s domains. Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
  verify: op('Verify a custom domain',
    'Looks up the TXT records of the hostname (and of `_kurz.<hostname>`) and marks the domain verified when the token is there; '
    + 'links can then use it and its short URLs redirect. Errors: 400 VALIDATION_ERROR naming what was found instead; 404 NOT_FOUND.'),
  update: op('Set a custom domain\'s fallbacks',
    'Sets `expiredUrl` (where the domain\'s expired or used-up links send visitors, unless a link has its own) and `notFoundUrl` '
    + '(where unknown slugs on the domain send visitors) instead of the 410 and 404 pages; null removes one. Each is checked as a '
    + 'link destination. Errors: 400 VALIDATION_ERROR or INVALID_URL naming the field; 404 NOT_FOUND.'),
  delete: op('Remove a custom domain',
    'Removes one of the caller\'s domains; its links move to the default domain (a slug taken there is renamed, and the answer lists '
    + 'the renamed links). Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
}
