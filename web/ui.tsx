// Small shared pieces: buttons, fields, cards and the loading / empty / error states.
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode } from 'react'
import { AlertCircle, Inbox, LoaderCircle } from 'lucide-react'
import { ApiError } from './api'

const cx = (...c: (string | false | null | undefined)[]) => c.filter(Boolean).join(' ')

export function Button({ variant = 'primary', className, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'ghost' }) {
  const look = {
    primary: 'bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-400',
    secondary: 'border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800 disabled:opacity-50 disabled:hover:bg-white dark:disabled:hover:bg-zinc-900',
    ghost: 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800',
  }[variant]
  return <button className={cx('inline-flex items-center justify-center gap-2 rounded-lg px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed', look, className)} {...rest} />
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | null; hint?: string }

export function Field({ label, error, hint, id, className, ...rest }: FieldProps) {
  const fieldId = id ?? `f-${rest.name}`
  const describedBy = error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label htmlFor={fieldId} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{label}</label>
      <input id={fieldId} aria-invalid={error ? true : undefined} aria-describedby={describedBy}
        className={cx('rounded-lg border bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-500 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400',
          error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700')} {...rest} />
      {error ? <p id={`${fieldId}-error`} className="text-sm text-red-700 dark:text-red-400">{error}</p>
        : hint ? <p id={`${fieldId}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
    </div>
  )
}

export function Card({ title, children, className, action }: { title?: string; children: ReactNode; className?: string; action?: ReactNode }) {
  return (
    <section className={cx('rounded-xl border border-zinc-200 bg-white p-4 shadow-sm sm:p-5 dark:border-zinc-800 dark:bg-zinc-900', className)}>
      {title ? <div className="mb-3 flex items-center justify-between gap-2"><h2 className="text-sm font-semibold text-zinc-700 dark:text-zinc-300">{title}</h2>{action}</div> : null}
      {children}
    </section>
  )
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div role="status" className="flex items-center gap-2 py-6 text-sm text-zinc-600 dark:text-zinc-400"><LoaderCircle className="size-4 animate-spin" aria-hidden />{label}</div>
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 py-8 text-center">
      <Inbox className="size-6 text-zinc-500" aria-hidden />
      <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{title}</p>
      {children ? <div className="text-sm text-zinc-600 dark:text-zinc-400">{children}</div> : null}
    </div>
  )
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong. Please try again.'
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0 flex-1 [overflow-wrap:anywhere]">{message}</div>
      {retry ? <button type="button" onClick={retry} className="font-medium underline">Try again</button> : null}
    </div>
  )
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
      {children}
    </div>
  )
}

export { cx }
