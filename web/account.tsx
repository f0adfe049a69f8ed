// Account: profile, plan and usage against its limits, the plans, two-factor set-up (QR code,
// secret, confirm, disable) and change password. All through the public API.
import { useEffect, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { CheckCircle2, ShieldCheck } from 'lucide-react'
import QRCode from 'qrcode'
import { api, fieldError, fmt, formError, unwrap } from './api'
import { navigate } from './router'
import { signOut } from './session'
import { Button, Card, ErrorState, Field, Loading, PageHeader, cx } from './ui'
import { SecretOnce } from './copy'

export function Account() {
  const q = useQuery({ queryKey: ['me', 'full'], queryFn: () => unwrap(api.v1.me.get()) })
  return (
    <>
      <PageHeader title="Account" />
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : <AccountBody me={q.data.data} />}
    </>
  )
}

type Me = NonNullable<Awaited<ReturnType<typeof api.v1.me.get>>['data']>['data']

const muted = 'text-zinc-600 dark:text-zinc-400'

function AccountBody({ me }: { me: Me }) {
  const { plan, usage } = me
  const until = new Date(usage.periodEnd).toLocaleDateString()
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Card title="Profile">
        <dl className="grid grid-cols-[7rem_minmax(0,1fr)] gap-y-2 text-sm">
          <dt className={muted}>Name</dt><dd>{me.name ?? '—'}</dd>
          <dt className={muted}>Email</dt><dd className="break-all">{me.email}{me.emailVerified ? '' : ' (not verified)'}</dd>
          <dt className={muted}>Role</dt><dd>{me.role === 'ADMIN' ? 'Administrator' : 'User'}</dd>
          <dt className={muted}>Two-factor</dt><dd>{me.twoFactorEnabled ? 'On' : 'Off'}</dd>
        </dl>
      </Card>
      <Card title={`Plan: ${plan.name}`}>
        <div className="flex flex-col gap-4">
          <Usage label="Links this month" used={usage.linksUsed} limit={plan.linkLimit} />
          <Usage label="Clicks this month" used={usage.clicksUsed} limit={plan.clickLimit} />
          <Usage label="API keys" used={usage.keysUsed} limit={plan.keyLimit} />
          <Usage label="Custom domains" used={usage.domainsUsed} limit={plan.domainLimit} />
          <p className={cx('text-xs', muted)}>
            {fmt(plan.rateLimitPerMinute)} API requests a minute per key, {fmt(plan.accountRateLimitPerMinute)} for the whole account ·
            up to {fmt(plan.bulkLimit)} links per bulk request · the month ends {until}
          </p>
        </div>
      </Card>
      <Plans current={plan.name} />
      <TwoFactor enabled={me.twoFactorEnabled} />
      <ChangePassword />
    </div>
  )
}

function Usage({ label, used, limit }: { label: string; used: number; limit: number }) {
  const ratio = limit > 0 ? used / limit : used > 0 ? 1 : 0
  return (
    <div>
      <div className="mb-1 flex justify-between gap-2 text-sm"><span>{label}</span><span className={cx('tabular-nums', muted)}>{fmt(used)} / {fmt(limit)}</span></div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={Math.min(used, limit)} aria-valuetext={`${fmt(used)} of ${fmt(limit)}`}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className={cx('h-full rounded-full', ratio >= 1 ? 'bg-red-600 dark:bg-red-400' : ratio >= 0.8 ? 'bg-amber-500' : 'bg-indigo-600 dark:bg-indigo-400')}
          style={{ width: `${Math.min(100, ratio * 100)}%` }} />
      </div>
    </div>
  )
}

const price = (n: number) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(n)
const expiry = (s: number | null) => s === null ? 'Any' : s >= 365 * 86_400 ? `${fmt(Math.round(s / (365 * 86_400)))} yr` : `${fmt(Math.round(s / 86_400))} days`

function Plans({ current }: { current: string }) {
  const q = useQuery({ queryKey: ['plans'], queryFn: () => unwrap(api.v1.plans.get()), staleTime: Infinity })
  const rows: [string, (p: NonNullable<typeof q.data>['data']['plans'][number]) => string][] = [
    ['Price a month', (p) => price(p.priceMonthly)],
    ['Links a month', (p) => fmt(p.linkLimit)],
    ['Clicks a month', (p) => fmt(p.clickLimit)],
    ['API requests a minute', (p) => fmt(p.rateLimitPerMinute)],
    ['API keys', (p) => fmt(p.keyLimit)],
    ['Custom domains', (p) => fmt(p.domainLimit)],
    ['Links per bulk request', (p) => fmt(p.bulkLimit)],
    ['Longest expiry', (p) => expiry(p.maxExpirySeconds)],
    ['Wi-Fi, vCard, text links', (p) => p.typedLinks ? 'Yes' : 'No'],
  ]
  return (
    <Card title="Plans" className="lg:col-span-2">
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : (
        <>
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Plans compared">
            <table className="w-full min-w-[32rem] text-sm">
              <thead>
                <tr>
                  <th scope="col" className="py-2 pr-3 text-left font-medium"><span className="sr-only">Limit</span></th>
                  {q.data.data.plans.map((p) => (
                    <th key={p.name} scope="col" className={cx('px-3 py-2 text-right font-semibold', p.name === current && 'text-indigo-700 dark:text-indigo-300')}>
                      {p.name}{p.name === current ? <span className="block text-xs font-normal">Your plan</span> : null}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {rows.map(([label, value]) => (
                  <tr key={label}>
                    <th scope="row" className={cx('py-2 pr-3 text-left font-normal', muted)}>{label}</th>
                    {q.data.data.plans.map((p) => (
                      <td key={p.name} className={cx('px-3 py-2 text-right tabular-nums', p.name === current && 'bg-indigo-50 dark:bg-indigo-950')}>{value(p)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className={cx('mt-3 text-sm', muted)}>To change plan, ask an administrator of this Kurz installation: plans are set per account in the Admin section.</p>
        </>
      )}
    </Card>
  )
}

/** The otpauth URI as an SVG QR code, drawn in the browser (the secret never leaves for another server). */
function QrCode({ text }: { text: string }) {
  const [svg, setSvg] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then((s) => { if (live) setSvg(s) }, () => { if (live) setSvg('') })
    return () => { live = false }
  }, [text])
  if (svg === null) return <Loading label="Drawing the QR code…" />
  if (!svg) return <p className="text-sm">The QR code could not be drawn: enter the secret by hand.</p>
  return <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt="QR code for your authenticator app" width={192} height={192} className="rounded-lg bg-white" />
}

function TwoFactor({ enabled }: { enabled: boolean }) {
  const client = useQueryClient()
  const done = () => client.invalidateQueries({ queryKey: ['me'] })
  // The recovery codes live in this component's state only: shown once, gone with the page.
  const [codes, setCodes] = useState<string[] | null>(null)
  const setup = useMutation({ mutationFn: () => unwrap(api.auth['2fa'].setup.post()) })
  const enable = useMutation({
    mutationFn: (code: string) => unwrap(api.auth['2fa'].enable.post({ code })),
    onSuccess: (r) => { setCodes(r.data.recoveryCodes); setup.reset(); return done() },
  })
  const disable = useMutation({ mutationFn: (code: string) => unwrap(api.auth['2fa'].disable.post({ code })), onSuccess: () => { setCodes(null); return done() } })
  const regenerate = useMutation({
    mutationFn: (code: string) => unwrap(api.auth['2fa']['recovery-codes'].post({ code })),
    onSuccess: (r) => setCodes(r.data.recoveryCodes),
  })
  const codeOf = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    return String(new FormData(e.currentTarget).get('code') ?? '').replace(/\s+/g, '')
  }
  const codeField = (error: unknown) => (
    <Field label="Code from the app" name="code" autoComplete="one-time-code" autoCapitalize="none" spellCheck={false} maxLength={12} required
      hint={enabled ? 'Or one of your recovery codes.' : undefined}
      error={fieldError(error, 'code') ?? (error instanceof Error && 'code' in error && error.code === 'INVALID_2FA_CODE' ? error.message : null)} />
  )
  const otherError = (error: unknown) => {
    const m = formError(error, ['code'])
    return m && !(error instanceof Error && 'code' in error && error.code === 'INVALID_2FA_CODE') ? <ErrorState error={error} /> : null
  }
  return (
    <Card title="Two-factor authentication">
      {codes ? (
        <SecretOnce title="Recovery codes" secret={codes.join('\n')} doneLabel="I have saved them" onDone={() => setCodes(null)}
          display={<ol data-testid="recovery-codes" aria-label="Recovery codes" className="grid grid-cols-2 gap-x-6 gap-y-1 rounded-md bg-white px-3 py-2 font-mono text-[13px] whitespace-nowrap text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100">
            {codes.map((c) => <li key={c}>{c}</li>)}</ol>}>
          <p className={cx('mt-2 text-sm', muted)}>Each code signs you in once in place of a code from the app, if you lose your phone.</p>
        </SecretOnce>
      ) : null}
      {enabled ? (
        <form onSubmit={(e) => {
          const code = codeOf(e)
          const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null
          if (submitter?.value === 'regenerate') regenerate.mutate(code)
          else disable.mutate(code)
        }} className="flex flex-col gap-4" noValidate>
          <p className="flex items-start gap-2 text-sm"><ShieldCheck className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400" aria-hidden />
            On: signing in asks for a code from your authenticator app, or one of your recovery codes.</p>
          {enable.isSuccess ? <p role="status" className={cx('text-sm', muted)}>Two-factor authentication is now on.</p> : null}
          {codeField(disable.error ?? regenerate.error)}
          {otherError(disable.error ?? regenerate.error)}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" name="action" value="regenerate" variant="secondary" disabled={regenerate.isPending}>{regenerate.isPending ? 'Making codes…' : 'New recovery codes'}</Button>
            <Button type="submit" name="action" value="disable" variant="secondary" disabled={disable.isPending}>{disable.isPending ? 'Turning off…' : 'Turn off two-factor'}</Button>
          </div>
        </form>
      ) : setup.data ? (
        <form onSubmit={(e) => enable.mutate(codeOf(e))} className="flex flex-col gap-4" noValidate>
          <p className="text-sm">1. Scan this code with an authenticator app (or enter the secret by hand).</p>
          <div className="flex flex-col items-start gap-3 sm:flex-row sm:items-center">
            <QrCode text={setup.data.data.otpauthUrl} />
            <div className="min-w-0">
              <p className={cx('text-xs', muted)}>Secret</p>
              <code data-testid="totp-secret" className="block break-all font-mono text-sm">{setup.data.data.secret}</code>
            </div>
          </div>
          <p className="text-sm">2. Enter the 6-digit code it shows to turn two-factor on.</p>
          {codeField(enable.error)}
          {otherError(enable.error)}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={enable.isPending}>{enable.isPending ? 'Checking…' : 'Turn on'}</Button>
            <Button type="button" variant="ghost" onClick={() => { setup.reset(); enable.reset() }}>Cancel</Button>
          </div>
        </form>
      ) : (
        <div className="flex flex-col gap-4">
          {disable.isSuccess ? <p role="status" className={cx('text-sm', muted)}>Two-factor authentication is now off.</p> : null}
          <p className="text-sm">Off. With it on, signing in also asks for a code from an authenticator app on your phone.</p>
          {setup.isError ? <ErrorState error={setup.error} /> : null}
          <Button onClick={() => { disable.reset(); setup.mutate() }} disabled={setup.isPending} className="self-start">{setup.isPending ? 'Starting…' : 'Set up two-factor'}</Button>
        </div>
      )}
    </Card>
  )
}

function ChangePassword() {
  const client = useQueryClient()
  const change = useMutation({ mutationFn: (body: { currentPassword: string; password: string }) => unwrap(api.auth.password.post(body)) })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    change.mutate({ currentPassword: String(f.get('currentPassword') ?? ''), password: String(f.get('password') ?? '') })
  }
  const again = async () => {
    await signOut(client)
    navigate('/app/login', true)
  }
  return (
    <Card title="Change password">
      {change.isSuccess ? (
        <div role="status" className="flex flex-col gap-4 text-sm">
          <p className="flex items-start gap-2"><CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400" aria-hidden />
            Password changed. Every session, this one included, is signed out: sign in again with the new password.</p>
          <Button onClick={again} className="self-start">Sign in again</Button>
        </div>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={fieldError(change.error, 'currentPassword')} />
          <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} hint="At least 8 characters." error={fieldError(change.error, 'password')} />
          {formError(change.error, ['currentPassword', 'password']) ? <ErrorState error={change.error} /> : null}
          <Button type="submit" disabled={change.isPending} className="self-start">{change.isPending ? 'Saving…' : 'Change password'}</Button>
        </form>
      )}
    </Card>
  )
}
