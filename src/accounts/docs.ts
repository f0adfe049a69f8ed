// What the OpenAPI document says of each accounts route: summary, description (limits, errors), security.
import { callerOperation, publicOperation as open } from '../docs/security'

const LOGIN = 'Signs in with `email` and `password` (and `code`, the current TOTP code or one of the account\'s recovery codes, when '
  + 'the account uses two-factor authentication) and answers a JWT for /api/v1/*, with the user, both inside `data` and at the top level. Public. Limits: 30 '
  + 'attempts per 15 minutes per IP and 10 per email (429 RATE_LIMIT_EXCEEDED). Errors: 400 VALIDATION_ERROR; 401 UNAUTHORIZED '
  + '(wrong email or password), NEEDS_2FA (no `code`), INVALID_2FA_CODE; 403 ACCOUNT_BLOCKED.'
const TOTP_ERRORS = '403 FORBIDDEN with an API key: two-factor settings need a JWT.'

export const docs = {
  register: open('Create an account',
    'Creates an account with `email`, `password` (8+ characters) and an optional `name`, and sends a verification email; the account '
    + 'can sign in before it is verified. The first account of an installation (or the one ADMIN_EMAIL names) is an ADMIN on the '
    + 'highest plan, every other starts on the first plan. At most 20 registrations per client IP an hour. Public. '
    + 'Errors: 400 VALIDATION_ERROR; 409 EMAIL_TAKEN when the address has an account (its owner is told by mail, at most once an hour); '
    + '429 RATE_LIMIT_EXCEEDED.'),
  verifyEmail: open('Verify an email address',
    'Marks the address of the account verified, with the `token` the verification email carried (single use, expires). Public. '
    + 'Errors: 400 VALIDATION_ERROR (a token that is unknown, used or expired).'),
  login: open('Sign in', LOGIN),
  token: open('Sign in (mobile clients)', `The same as POST /api/auth/login. ${LOGIN}`),
  forgotPassword: open('Ask for a password reset',
    'Sends a reset link (listing the account\'s API keys, masked) to the address if it has an account; the answer is the same, '
    + 'and as fast, either way (no account enumeration). At most 3 an hour per address and 10 per client IP. Public. '
    + 'Errors: 400 VALIDATION_ERROR; 429 RATE_LIMIT_EXCEEDED.'),
  resetPassword: open('Reset a password',
    'Sets a new `password` (8+ characters) with the `token` of a reset email; every JWT of the account issued before stops working, '
    + 'and with `revokeKeys: true` every API key too (`keysRevoked` says how many). '
    + 'Public. Errors: 400 VALIDATION_ERROR (a token that is unknown, used or expired).'),
  totpSetup: callerOperation('Start two-factor setup',
    'Creates a TOTP secret (RFC 6238, 6 digits, 30 s) and answers it with its otpauth:// URL; it takes effect on POST '
    + `/api/auth/2fa/enable. Errors: 409 CONFLICT when two-factor authentication is already on; ${TOTP_ERRORS}`),
  totpEnable: callerOperation('Turn two-factor authentication on',
    'Turns two-factor authentication on with a current `code` of the secret from setup; logins then need a code. Answers ten '
    + '`recoveryCodes` (`abcde-fghij`), shown this once: each signs in once in place of a TOTP code. Errors: 400 '
    + `VALIDATION_ERROR (no setup yet); 401 INVALID_2FA_CODE; 409 CONFLICT when already on; ${TOTP_ERRORS}`),
  totpDisable: callerOperation('Turn two-factor authentication off',
    `Turns two-factor authentication off with a current \`code\` (TOTP or recovery code); the recovery codes go too. Errors: 401 INVALID_2FA_CODE; 409 CONFLICT when it is off; ${TOTP_ERRORS}`),
  recoveryCodes: callerOperation('New recovery codes',
    'Replaces the account\'s recovery codes with ten new ones, answered this once (the old ones stop working), with a current `code` '
    + `(TOTP or recovery code). Errors: 401 INVALID_2FA_CODE; 409 CONFLICT when two-factor authentication is off; ${TOTP_ERRORS}`),
  changePassword: callerOperation('Change your password',
    'Sets a new `password` (8+ characters) when `currentPassword` is right; every JWT and dashboard session of the account issued '
    + 'before, this one included, stops working, so sign in again. API keys stay valid. Failed attempts count against the login limits. '
    + 'Errors: 400 VALIDATION_ERROR (field `currentPassword` when it is wrong, `password` when too short or unchanged); 403 FORBIDDEN '
    + 'with an API key; 429 RATE_LIMIT_EXCEEDED.'),
  me: callerOperation('Your account, plan and usage',
    'The caller\'s email, name and role, its plan (limits and price) and its usage of the current billing month (links and clicks '
    + 'used and remaining, the period), with the API keys and domains the account holds now. Errors: 401 when the account no longer exists.'),
}
