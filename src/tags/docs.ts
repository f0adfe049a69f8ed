// What the OpenAPI document says of each tags route.
import { callerOperation as op } from '../docs/security'

export const docs = {
  create: op('Create a tag', 'Creates a tag of the caller\'s account with a `name` (unique per account, 1-50 characters) and a '
    + '`color` (#rrggbb; grey when left out). Put tags on links with `tagIds` on POST or PATCH /api/v1/links. Errors: 400 '
    + 'VALIDATION_ERROR (blank name, a colour not #rrggbb, more than 500 tags); 409 CONFLICT (the name is taken).'),
  list: op('List your tags', 'The caller\'s tags by name, each with how many links have it.'),
  get: op('Get a tag', 'One of the caller\'s tags. Errors: 404 NOT_FOUND (also for another account\'s tag).'),
  update: op('Rename or recolour a tag', 'Changes `name` and/or `color`. Errors: 400 VALIDATION_ERROR; 404 NOT_FOUND; 409 CONFLICT.'),
  delete: op('Delete a tag', 'Deletes the tag and takes it off every link that had it. Errors: 404 NOT_FOUND.'),
}
