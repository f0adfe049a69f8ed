// Routes of the accounts API (/api/auth) and of GET /api/v1/me: each handler is one call.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { clientIp } from '../auth/context'
import { login, register, verifyEmail } from './service'
import { forgotPassword, resetPassword } from './password-reset'
import { disableTotp, enableTotp, regenerateRecoveryCodes, setupTotp } from './two-factor'
import { getMe } from './me'
import { changePassword } from './change-password'
import { changePasswordBody, codeBody, forgotBody, loginBody, registerBody, resetBody, responses, verifyBody } from './model'

export function accountsPlugin(deps: Deps, auth: AuthPlugin) {
  const session = { body: loginBody, response: { 200: responses.session, ...errorsOf(400, 401, 403, 429, 503) } }
  return new Elysia({ name: 'kurz.accounts', detail: { tags: ['Accounts'] } })
    .use(auth)
    .post('/api/auth/register', ({ body, request, server, status }) =>
      register(deps, body, clientIp(deps, request, server)).then((r) => status(201, r)),
      { body: registerBody, response: { 201: responses.user, ...errorsOf(400, 409, 429, 503) }, detail: docs.register })
    .post('/api/auth/verify-email', ({ body }) => verifyEmail(deps, body.token),
      { body: verifyBody, response: { 200: responses.user, ...errorsOf(400, 503) }, detail: docs.verifyEmail })
    .post('/api/auth/login', ({ body, request, server }) => login(deps, body, clientIp(deps, request, server)), { ...session, detail: docs.login })
    .post('/api/auth/token', ({ body, request, server }) => login(deps, body, clientIp(deps, request, server)), { ...session, detail: docs.token })
    .post('/api/auth/forgot-password', ({ body, request, server }) => forgotPassword(deps, body.email, clientIp(deps, request, server)),
      { body: forgotBody, response: { 200: responses.message, ...errorsOf(400, 429, 503) }, detail: docs.forgotPassword })
    .post('/api/auth/reset-password', ({ body }) => resetPassword(deps, body),
      { body: resetBody, response: { 200: responses.reset, ...errorsOf(400, 503) }, detail: docs.resetPassword })
    .post('/api/auth/2fa/setup', ({ caller }) => setupTotp(deps, caller),
      { auth: true, response: { 200: responses.totpSetup, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.totpSetup })
    .post('/api/auth/2fa/enable', ({ body, caller }) => enableTotp(deps, caller, body.code),
      { auth: true, body: codeBody, response: { 200: responses.recoveryCodes, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.totpEnable })
    .post('/api/auth/2fa/recovery-codes', ({ body, caller }) => regenerateRecoveryCodes(deps, caller, body.code),
      { auth: true, body: codeBody, response: { 200: responses.recoveryCodes, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.recoveryCodes })
    .post('/api/auth/2fa/disable', ({ body, caller }) => disableTotp(deps, caller, body.code),
      { auth: true, body: codeBody, response: { 200: responses.twoFactor, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.totpDisable })
    .post('/api/auth/password', ({ body, caller, request, server }) => changePassword(deps, caller, body, clientIp(deps, request, server)),
      { auth: true, body: changePasswordBody, response: { 200: responses.message, ...authErrors, ...errorsOf(400, 429, 503) }, detail: docs.changePassword })
    .get('/api/v1/me', ({ caller }) => getMe(deps, caller),
      { auth: true, detail: { tags: ['Account'], ...docs.me }, response: { 200: responses.me, ...authErrors, ...errorsOf(400, 503) } })
}
