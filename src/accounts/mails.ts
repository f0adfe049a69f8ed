// The texts of account emails. The link opens the dashboard's page for the token (which calls the
// API); the token is also on its own line so that an API client can paste it into
// POST /api/auth/verify-email or /api/auth/reset-password.
import type { Deps } from '../deps'
import type { Mail } from '../mail/mailer'

export const verifyMail = (deps: Deps, to: string, token: string): Mail => ({
  to,
  kind: 'verify-email',
  subject: 'Confirm your email address',
  text: [
    'Welcome to Kurz. Confirm your address by opening this link:',
    '',
    `${deps.config.baseUrl}/app/verify-email?token=${encodeURIComponent(token)}`,
    '',
    'or by sending this token to POST /api/auth/verify-email:',
    '',
    `token: ${token}`,
    '',
    `(API: ${deps.config.baseUrl}/api/auth/verify-email)`,
  ].join('\n'),
})

export type KeySummary = { name: string; keyPreview: string; lastUsedAt: Date | null }

export const resetMail = (deps: Deps, to: string, token: string, keys: KeySummary[]): Mail => ({
  to,
  kind: 'password-reset',
  subject: 'Reset your password',
  text: [
    'Someone asked to reset the password of this Kurz account. If it was you, open this link within an hour:',
    '',
    `${deps.config.baseUrl}/app/reset?token=${encodeURIComponent(token)}`,
    '',
    'or send this token with your new password to POST /api/auth/reset-password:',
    '',
    `token: ${token}`,
    '',
    ...keyLines(keys),
    'If it was not you, ignore this message.',
  ].join('\n'),
})

/** The account's keys, masked: a reset after a break-in is the moment to see whether one is not yours. */
function keyLines(keys: KeySummary[]): string[] {
  if (keys.length === 0) return ['This account has no API keys.', '']
  return [
    `This account has ${keys.length} API key(s); a reset leaves them valid unless you also send "revokeKeys": true:`,
    ...keys.map((k) => `- ${k.keyPreview}  "${k.name}"  last used ${k.lastUsedAt ? k.lastUsedAt.toISOString() : 'never'}`),
    '',
  ]
}

export const takenMail = (_deps: Deps, to: string): Mail => ({
  to,
  kind: 'registration-attempt',
  subject: 'Someone tried to register with your address',
  text: 'An account with this address already exists. If you forgot its password, use "forgot password".',
})
