// What the OpenAPI document says of each admin route: summary, description (errors), security.
import { callerOperation as op } from '../docs/security'

const ADMIN = 'Administrators only (403 FORBIDDEN for any other account).'

export const docs = {
  list: op('List accounts', `Every account with its plan, role and blocked flag, paged. ${ADMIN} Errors: 400 VALIDATION_ERROR.`),
  update: op('Change an account\'s plan or block it',
    `Sets \`plan\` (a name from the plan table) and/or \`blocked\` of an account; a plan change fires subscription.created and applies to the account's next request. ${ADMIN} `
    + 'Errors: 400 VALIDATION_ERROR (an unknown plan; an administrator blocking their own account); 404 NOT_FOUND.'),
}
