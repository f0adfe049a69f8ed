// What the OpenAPI document says of each webhooks route: summary, description (limits, errors), security.
import { callerOperation as op } from '../docs/security'

const NOT_FOUND = 'Errors: 404 NOT_FOUND (also for another account\'s endpoint); 400 VALIDATION_ERROR.'
const UPDATE = 'Changes any of `url`, `description`, `events` and `isActive` of one of the caller\'s endpoints; a new URL is checked as '
  + `at creation (400 INVALID_URL). ${NOT_FOUND}`

export const docs = {
  create: op('Add a webhook endpoint',
    'Registers `url` to receive `events`, and answers the endpoint with its signing `secret` (`whsec_…`, shown only here). Deliveries '
    + 'are signed (Standard Webhooks headers and X-Webhook-Signature), retried with backoff for about 3 days, and go only to public '
    + 'https addresses. Limit: a bounded number of endpoints per account (403 FORBIDDEN). Errors: 400 VALIDATION_ERROR, INVALID_URL '
    + '(not https, or an internal, loopback, link-local or private address).'),
  list: op('List your webhook endpoints', 'The caller\'s endpoints, without their secrets. Errors: 400 VALIDATION_ERROR.'),
  get: op('Get a webhook endpoint', `One of the caller's endpoints, without its secret. ${NOT_FOUND}`),
  patch: op('Update a webhook endpoint', UPDATE),
  put: op('Update a webhook endpoint (as PATCH)', UPDATE),
  delete: op('Delete a webhook endpoint', `Deletes one of the caller's endpoints and its delivery history. ${NOT_FOUND}`),
  rotate: op('Rotate a webhook secret', `Replaces the signing secret of one of the caller's endpoints and answers the new one. ${NOT_FOUND}`),
  deliveries: op('Delivery history', `The deliveries to one of the caller's endpoints, newest first, paged, filtered by \`status\`. ${NOT_FOUND}`),
  retry: op('Retry a delivery',
    'Delivers one failed or pending delivery again now and answers the outcome. Errors: 409 CONFLICT when it succeeded already or an '
    + `attempt is under way; ${NOT_FOUND}`),
  test: op('Send a test event', `Sends a \`ping\` event to one of the caller's endpoints now and answers its HTTP status, time and \`responseBody\`: the first 1,000 characters of the answer's body as text (null when no answer was read). ${NOT_FOUND}`),
}
