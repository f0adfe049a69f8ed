// Sign in (with the 2FA code step when the account asks for it) and Register.
import { useState, type FormEvent } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link2 } from 'lucide-react'
import { api, ApiError, fieldError, formError, unwrap } from './api'
import { Link, navigate } from './router'
import { Button, ErrorState, Field } from './ui'

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
        {needsCode ? (
          <Field label="Authentication code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={12} autoFocus
            hint="This account uses two-factor authentication: enter the 6-digit code from your authenticator app." error={codeError} />
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
