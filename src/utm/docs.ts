// What the OpenAPI document says of the UTM templates routes and the breakdown analytics.
import { callerOperation as op } from '../docs/security'

export const docs = {
  create: op('Create a UTM template', 'Saves reusable UTM values (`utm`: source, medium, campaign, term, content; at least one) under '
    + 'a `name` unique per account; a client applies them by sending them as a link\'s `utm`. Errors: 400 VALIDATION_ERROR; 409 CONFLICT.'),
  list: op('List your UTM templates', 'The caller\'s UTM templates by name.'),
  get: op('Get a UTM template', 'Errors: 404 NOT_FOUND (also for another account\'s template).'),
  update: op('Update a UTM template', 'Changes `name` and/or `utm` (replaced whole). Errors: 400 VALIDATION_ERROR; 404 NOT_FOUND; 409 CONFLICT.'),
  delete: op('Delete a UTM template', 'Links that used its values keep them. Errors: 404 NOT_FOUND.'),
  breakdown: op('Clicks by a dimension',
    'The caller\'s clicks and unique visitors grouped `by` one of utm_source, utm_medium, utm_campaign, utm_term, utm_content (the '
    + 'link\'s own UTM values, else the visitor\'s), variant (A/B tests), country, device, browser, os, referrer or link, top 50, over '
    + '`range`; with `tag`, only the clicks of links that have that tag now. Errors: 400 VALIDATION_ERROR; 404 NOT_FOUND (unknown tag).'),
}
