// The dashboard's account flows in Chromium against a real server, with a real SMTP inbox: forgot
// and reset password through the mail's link, verify email through the mail's link, two-factor
// set up on the Account page and used to sign in, change password, and the Admin page (search,
// plan, block/unblock; refused to non-admins). Each page gets a screenshot and an axe pass.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { startInbox, type Inbox } from './support/smtp-inbox'
import { within } from './support/poll'
import { hotp, totpStep } from '../src/accounts/totp'

setDefaultTimeout(120_000)
requireChromiumInCi()

/** The dashboard link of a mail: quoted-printable writes its `=` as `=3D`. */
const LINK = (path: string) => new RegExp(`(https?://[^\\s]+/app/${path}\\?token(?:=3D|=)([A-Za-z0-9%]+))`)
const linkOf = (m: RegExpMatchArray) => m[1].replace('token=3D', 'token=')

describe.skipIf(!hasChromium)('dashboard account pages in Chromium', () => {
  let b: Browser
  let inbox: Inbox
  const email = `acct-${Date.now()}@x.test`
  let password = 'first-password-1'

  beforeAll(async () => {
    inbox = await startInbox()
    b = await startBrowser({ env: { SMTP_URL: inbox.url } })
    const res = await b.h.api('POST', '/api/auth/register', { key: null, body: { email, password, name: 'Acct' } })
    expect(res.status).toBe(201)
  }, 120_000)

  afterAll(async () => {
    await b?.close()
    await inbox?.close()
  })

  test('the verification mail links to the dashboard, whose page verifies the address', async () => {
    const m = await inbox.waitFor(email, LINK('verify-email'))
    await b.page.goto(linkOf(m))
    await b.page.getByText('is verified').waitFor()
    await b.shot('account-01-verified')
    await b.expectAccessible('verify email (done)')
    const me = await b.h.api('POST', '/api/auth/login', { key: null, body: { email, password } })
    expect(me.body.user.emailVerified).toBe(true)
    // The token is single use: opening the link again says so in words.
    await b.page.reload()
    await b.page.getByRole('alert').waitFor()
    expect(await b.page.getByRole('alert').textContent()).toContain('invalid, used or expired')
    await b.shot('account-02-verify-used')
    await b.expectAccessible('verify email (failed)')
  })

  test('forgot password from the sign-in page, reset through the mail link, sign in with the new password', async () => {
    const { page } = b
    await page.goto(`${b.base}/app/login`)
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor()
    await b.expectAccessible('forgot password')
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByText('an email with a reset link is on its way').waitFor()
    await b.shot('account-03-forgot-sent')
    const m = await inbox.waitFor(email, LINK('reset'))
    await page.goto(linkOf(m))
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    await page.getByLabel('New password').fill('short')
    await page.getByRole('button', { name: 'Set new password' }).click()
    await page.locator('#f-password-error').waitFor()
    await b.shot('account-04-reset-field-error')
    await b.expectAccessible('reset password (field error)')
    password = 'second-password-2'
    await page.getByLabel('New password').fill(password)
    await page.getByLabel('Also revoke all my API keys').check()
    await page.getByRole('button', { name: 'Set new password' }).click()
    await page.getByText('Your password is changed').waitFor()
    await b.shot('account-05-reset-done')
    await page.getByRole('link', { name: 'Sign in with the new password' }).click()
    await b.signIn(email, password)
  })

  test('the Account page shows usage bars and the plans, sets up two-factor with its QR code and recovery codes, and a recovery code signs in', async () => {
    const { page } = b
    await b.nav('Account')
    await page.getByRole('progressbar', { name: 'Links this month' }).waitFor()
    await page.getByRole('table').waitFor()
    expect(await page.getByRole('columnheader', { name: /Free/ }).textContent()).toContain('Your plan')
    await b.shot('account-06-account')
    await b.expectAccessible('account')
    await page.getByRole('button', { name: 'Set up two-factor' }).click()
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim()
    await b.shot('account-07-2fa-setup')
    await b.expectAccessible('account (2FA setup)')
    await page.getByLabel('Code from the app').fill('000000')
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.locator('#f-code-error').waitFor()
    const step = totpStep(Date.now())
    await page.getByLabel('Code from the app').fill(hotp(secret, step))
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.getByRole('button', { name: 'Turn off two-factor' }).waitFor()
    // The recovery codes, shown this once, until "I have saved them".
    const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()
    expect(codes).toHaveLength(10)
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/)
    await b.shot('account-08-2fa-on')
    await b.expectAccessible('account (recovery codes)')
    await page.getByRole('button', { name: 'I have saved them' }).click()
    expect(await page.getByTestId('recovery-codes').count()).toBe(0)

    // A recovery code signs in once in place of the app's code.
    await page.getByRole('button', { name: 'Sign out' }).filter({ visible: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByLabel('Authentication code').fill(codes[0]!)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    // Off again with a code, so the next tests sign in with the password alone.
    // A code is accepted once and one step ahead at most: wait for the clock to reach step + 1.
    while (totpStep(Date.now()) < step + 1) await Bun.sleep(500)
    await b.nav('Account')
    await page.getByLabel('Code from the app').fill(hotp(secret, step + 2))
    await page.getByRole('button', { name: 'Turn off two-factor' }).click()
    await page.getByRole('button', { name: 'Set up two-factor' }).waitFor()
  })

  test('change password: a wrong current password is shown on its field, the right one changes it', async () => {
    const { page } = b
    await page.getByLabel('Current password').fill('not-the-password')
    await page.getByLabel('New password').fill('third-password-3')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.locator('#f-currentPassword-error').waitFor()
    expect(await page.locator('#f-currentPassword-error').textContent()).toContain('current password is wrong')
    await b.shot('account-09-change-password-error')
    await b.expectAccessible('account (change password error)')
    const old = await b.cookieHeader()
    await page.getByLabel('Current password').fill(password)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Password changed.').waitFor()
    expect((await b.h.api('GET', '/api/v1/me', { key: null, headers: { cookie: old } })).status).toBe(401)
    await page.getByRole('button', { name: 'Sign in again' }).click()
    password = 'third-password-3'
    await b.signIn(email, password)
  })

  test('a non-admin at /app/admin is refused', async () => {
    await b.page.goto(`${b.base}/app/admin`)
    await b.page.getByText('Not allowed').waitFor()
    expect(await b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0)
    await b.shot('account-10-admin-refused')
    await b.expectAccessible('admin (refused)')
  })

  test('as admin: search a user, set their plan (the API sees it), block and unblock with confirmation', async () => {
    const { page } = b
    await page.getByRole('button', { name: 'Sign out' }).filter({ visible: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await b.signIn(b.h.adminEmail, b.h.adminPassword)
    await b.nav('Admin')
    await page.getByRole('heading', { name: 'Users' }).waitFor()
    await page.getByLabel('Search users').fill(email.slice(0, 12))
    const plan = page.getByLabel(`Plan of ${email}`)
    await plan.waitFor()
    await page.getByLabel(`Plan of ${b.h.adminEmail}`).waitFor({ state: 'detached' })
    await b.shot('account-11-admin-search')
    await b.expectAccessible('admin')
    await plan.selectOption('Pro')
    expect(await within(10_000, 'Pro', async () => (await b.h.api('GET', `/api/v1/admin/users?search=${encodeURIComponent(email)}`)).body.data.content[0].plan)).toBe('Pro')
    const jwt = (await b.h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).body.token
    expect((await b.h.api('GET', '/api/v1/me', { key: jwt })).body.data.plan.name).toBe('Pro')

    await page.getByRole('button', { name: `Block ${email}`, exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Block this account?' })
    await dialog.waitFor()
    await b.shot('account-12-admin-block-dialog')
    await b.expectAccessible('admin (block dialog)')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await page.getByRole('button', { name: `Block ${email}`, exact: true }).click()
    await dialog.getByRole('button', { name: 'Block' }).click()
    await page.getByRole('button', { name: `Unblock ${email}`, exact: true }).waitFor()
    expect((await b.h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).body.error.code).toBe('ACCOUNT_BLOCKED')
    await page.getByRole('button', { name: `Unblock ${email}`, exact: true }).click()
    await page.getByRole('dialog', { name: 'Unblock this account?' }).getByRole('button', { name: 'Unblock' }).click()
    await page.getByRole('button', { name: `Block ${email}`, exact: true }).waitFor()
    expect((await b.h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).status).toBe(200)
  })

  test('the account and admin pages fit a 360 px screen without sideways scrolling', async () => {
    const { page } = b
    await page.setViewportSize({ width: 360, height: 780 })
    for (const [path, name] of [['/app/admin', 'admin'], ['/app/account', 'account']] as const) {
      await page.goto(`${b.base}${path}`)
      await page.getByRole('heading', { name: name === 'admin' ? 'Users' : 'Plans' }).waitFor()
      await b.shot(`account-13-${name}-360`)
      const wide = await page.evaluate(() => [...(globalThis as any).document.querySelectorAll('body *')].filter((e: any) => !e.closest('nav, [role=region]') && e.getBoundingClientRect().right > 361).slice(0, 5).map((e: any) => `${e.tagName}.${String(e.className).slice(0, 60)} ${Math.round(e.getBoundingClientRect().right)}`))
      expect({ name, wide }).toEqual({ name, wide: [] })
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(360)
    }
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('in dark mode the account and admin pages pass axe', async () => {
    const { page } = b
    await page.emulateMedia({ colorScheme: 'dark' })
    for (const [path, heading] of [['/app/account', 'Plans'], ['/app/admin', 'Users']] as const) {
      await page.goto(`${b.base}${path}`)
      await page.getByRole('heading', { name: heading }).waitFor()
      await b.shot(`account-14-dark-${heading.toLowerCase()}`)
      await b.expectAccessible(`${path} (dark)`)
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
