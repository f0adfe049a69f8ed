// What the OpenAPI document says of the link history route.
import { callerOperation as op } from '../docs/security'

export const docs = {
  history: op('Status history of a link',
    'The changes of one of the caller\'s links, oldest first: created, then each time it was disabled, expired or used up, with the '
    + 'status it took, and its status now. Changes come from the event log, which keeps dispatched events for 30 days; the creation '
    + 'is always listed. Errors: 404 LINK_NOT_FOUND (also for another account\'s link); 400 VALIDATION_ERROR.'),
}
