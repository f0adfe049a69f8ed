// What the OpenAPI document says of each API keys route: summary, description (errors), security.
import { callerOperation as op } from '../docs/security'

export const docs = {
  create: op('Create an API key',
    'Creates a key named `name` for the caller\'s account; the answer is the only time the whole key (`sk_live_…`) is shown, the '
    + 'server keeps only its hash and a preview. Requests with the key count against the plan\'s rate limit per key. Errors: 400 VALIDATION_ERROR.'),
  list: op('List your API keys', 'The caller\'s keys with their preview, last use and creation time; never the keys themselves.'
    + ' Errors: 400 VALIDATION_ERROR.'),
  delete: op('Revoke an API key', 'Revokes one of the caller\'s keys at once on every instance. Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
  regenerate: op('Regenerate an API key',
    'Replaces the value of one of the caller\'s keys and answers the new one (shown only here); the old value stops working at once. '
    + 'Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
  revokeAll: op('Revoke every API key',
    'Revokes every key of the caller\'s account at once, on every instance, the calling key included, and answers how many (`revoked`). '
    + 'The way out after a compromise, with a password reset. Errors: 400 VALIDATION_ERROR.'),
  usage: op('Usage of an API key', 'Requests made with one of the caller\'s keys, per day for the last 30 days. Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
}
