// Sign in (with the 2FA code step when the account asks for it), Register, and the pages the
// account mails link to: verify email, forgot and reset password.
import { useEffect, useState, type FormEvent } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { CheckCircle2, Link2, Mail } from 'lucide-react'
import { api, ApiError, fieldError, fmt, formError, unwrap } from './api'
import { Link, navigate } from './router'
import { Button, ErrorState, Field, Loading } from './ui'

function AuthFrame({ title, children, footer }: { title: string; children: React.ReactNode; footer: React.ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold text-zinc-900 dark:text-zinc-50">
          <Link2 className="size-6 text-indigo-600 dark:text-indigo-400" aria-hidden /> Kurz
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="mb-5 text-lg font-semibold text-zinc-900 dark:text-zinc-50">{title}</h1>
          {children}
        </div>
        <p className="mt-4 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</p>
      </div>
    </main>
  )
}

const linkClass = 'font-medium text-indigo-700 hover:underline dark:text-indigo-400'

export function SignIn() {
  const client = useQueryClient()
  const [needsCode, setNeedsCode] = useState(false)
  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string; code?: string }) => unwrap(api.auth.session.post(body)),
    onSuccess: async () => {
      await client.invalidateQueries()
      navigate('/app', true)
    },
    onError: (e) => { if (e instanceof ApiError && e.code === 'NEEDS_2FA') setNeedsCode(true) },
  })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    const code = String(f.get('code') ?? '').trim()
    signIn.mutate({ email: String(f.get('email')), password: String(f.get('password')), ...(code ? { code } : {}) })
  }
  const asking = signIn.error instanceof ApiError && signIn.error.code === 'NEEDS_2FA'
  const codeError = signIn.error instanceof ApiError && signIn.error.code === 'INVALID_2FA_CODE' ? signIn.error.message : null
  const error = asking || codeError ? null : formError(signIn.error, ['email', 'password'])
  return (
    <AuthFrame title="Sign in" footer={<>No account yet? <Link href="/app/register" className={linkClass}>Create one</Link></>}>
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={fieldError(signIn.error, 'email')} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fieldError(signIn.error, 'password')} />
        <Link href="/app/forgot" className={`-mt-2 self-end text-sm ${linkClass}`}>Forgot password?</Link>
        {needsCode ? (
          <Field label="Authentication code" name="code" autoComplete="one-time-code" autoCapitalize="none" spellCheck={false} maxLength={12} autoFocus
            hint="This account uses two-factor authentication: enter the 6-digit code from your authenticator app, or one of your recovery codes." error={codeError} />
        ) : null}
        {error ? <ErrorState error={signIn.error} /> : null}
        <Button type="submit" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</Button>
      </form>
    </AuthFrame>
  )
}

export function Register() {
  const client = useQueryClient()
  const register = useMutation({
    mutationFn: async (body: { email: string; password: string; name?: string }) => {
      await unwrap(api.auth.register.post(body))
      return unwrap(api.auth.session.post({ email: body.email, password: body.password }))
    },
    onSuccess: async () => {
      await client.invalidateQueries()
      navigate('/app', true)
    },
  })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    const name = String(f.get('name') ?? '').trim()
    register.mutate({ email: String(f.get('email')), password: String(f.get('password')), ...(name ? { name } : {}) })
  }
  const claimed = ['email', 'password', 'name']
  return (
    <AuthFrame title="Create your account" footer={<>Already have an account? <Link href="/app/login" className={linkClass}>Sign in</Link></>}>
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Name" name="name" autoComplete="name" hint="Optional" error={fieldError(register.error, 'name')} />
        <Field label="Email" name="email" type="email" autoComplete="username" required error={fieldError(register.error, 'email')} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8}
          hint="At least 8 characters." error={fieldError(register.error, 'password')} />
        {formError(register.error, claimed) ? <ErrorState error={register.error} /> : null}
        <Button type="submit" disabled={register.isPending}>{register.isPending ? 'Creating…' : 'Create account'}</Button>
      </form>
    </AuthFrame>
  )
}

const tokenOf = () => new URLSearchParams(location.search).get('token') ?? ''

/** The link of the verification mail lands here: it sends the token once and says how it went. */
export function VerifyEmail() {
  const client = useQueryClient()
  const token = tokenOf()
  const verify = useMutation({
    mutationFn: () => unwrap(api.auth['verify-email'].post({ token })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['me'] }),
  })
  const { mutate } = verify
  // StrictMode runs effects twice in development; the token is single use, so send it once.
  const [sent] = useState(() => ({ done: false }))
  useEffect(() => {
    if (!token || sent.done) return
    sent.done = true
    mutate()
  }, [token, sent, mutate])
  return (
    <AuthFrame title="Verify your email" footer={<Link href="/app" className={linkClass}>Go to the dashboard</Link>}>
      {!token ? <ErrorState error={new ApiError(400, 'VALIDATION_ERROR', 'This link has no token. Open the link from the verification email again.', 'token')} />
        : verify.isSuccess ? (
          <div role="status" className="flex items-start gap-3 text-sm text-zinc-800 dark:text-zinc-200">
            <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-emerald-600 dark:text-emerald-400" aria-hidden />
            <p>Your address <strong className="break-all">{verify.data.data.user.email}</strong> is verified.</p>
          </div>
        ) : verify.isError ? <ErrorState error={verify.error} />
          : <Loading label="Verifying…" />}
    </AuthFrame>
  )
}

export function ForgotPassword() {
  const forgot = useMutation({ mutationFn: (email: string) => unwrap(api.auth['forgot-password'].post({ email })) })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    forgot.mutate(String(new FormData(e.currentTarget).get('email') ?? '').trim())
  }
  return (
    <AuthFrame title="Forgot your password?" footer={<>Remembered it? <Link href="/app/login" className={linkClass}>Sign in</Link></>}>
      {forgot.isSuccess ? (
        <div role="status" className="flex items-start gap-3 text-sm text-zinc-800 dark:text-zinc-200">
          <Mail className="mt-0.5 size-5 shrink-0 text-indigo-600 dark:text-indigo-400" aria-hidden />
          <p>If an account uses this address, an email with a reset link is on its way. The link works for an hour.</p>
        </div>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Enter your account's email: we send a link to choose a new password.</p>
          <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={fieldError(forgot.error, 'email')} />
          {formError(forgot.error, ['email']) ? <ErrorState error={forgot.error} /> : null}
          <Button type="submit" disabled={forgot.isPending}>{forgot.isPending ? 'Sending…' : 'Send reset link'}</Button>
        </form>
      )}
    </AuthFrame>
  )
}

export function ResetPassword() {
  const token = tokenOf()
  const reset = useMutation({
    mutationFn: (body: { token: string; password: string; revokeKeys: boolean }) => unwrap(api.auth['reset-password'].post(body)),
  })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    reset.mutate({ token, password: String(f.get('password') ?? ''), revokeKeys: f.get('revokeKeys') === 'on' })
  }
  return (
    <AuthFrame title="Choose a new password" footer={<Link href="/app/login" className={linkClass}>Back to sign in</Link>}>
      {!token ? <ErrorState error={new ApiError(400, 'VALIDATION_ERROR', 'This link has no token. Open the link from the reset email again, or ask for a new one.', 'token')} />
        : reset.isSuccess ? (
          <div role="status" className="flex flex-col gap-4 text-sm text-zinc-800 dark:text-zinc-200">
            <p className="flex items-start gap-3">
              <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-emerald-600 dark:text-emerald-400" aria-hidden />
              <span>Your password is changed and every earlier session is signed out{reset.data.data.keysRevoked ? `; ${fmt(reset.data.data.keysRevoked)} API key(s) revoked` : ''}.</span>
            </p>
            <Link href="/app/login" className={linkClass}>Sign in with the new password</Link>
          </div>
        ) : (
          <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
            <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus
              hint="At least 8 characters." error={fieldError(reset.error, 'password')} />
            <label className="flex items-start gap-2 text-sm text-zinc-800 dark:text-zinc-200">
              <input type="checkbox" name="revokeKeys" className="mt-0.5 size-4 accent-indigo-600" />
              <span>Also revoke all my API keys <span className="block text-xs text-zinc-600 dark:text-zinc-400">Do this if someone else may have had access to the account.</span></span>
            </label>
            {fieldError(reset.error, 'token') ? (
              <div className="flex flex-col gap-2"><ErrorState error={reset.error} /><Link href="/app/forgot" className={linkClass}>Ask for a new link</Link></div>
            ) : formError(reset.error, ['password']) ? <ErrorState error={reset.error} /> : null}
            <Button type="submit" disabled={reset.isPending}>{reset.isPending ? 'Saving…' : 'Set new password'}</Button>
          </form>
        )}
    </AuthFrame>
  )
}
