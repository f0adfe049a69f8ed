// Copy to the clipboard, with what happened said to screen readers too, and the panel that shows a
// secret the one time the API returns it (an API key, a webhook secret).
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { AlertTriangle, Check, Copy } from 'lucide-react'
import { Button, cx } from './ui'

/** Icon-only by default; with `label`, a labelled secondary button. */
export function CopyButton({ text, label, what }: { text: string; label?: string; what?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const copy = async () => {
    const done = await navigator.clipboard?.writeText(text).then(() => true, () => false) ?? false
    setState(done ? 'copied' : 'failed')
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setState('idle'), 2000)
  }
  const icon = state === 'copied' ? <Check className="size-4 text-emerald-600 dark:text-emerald-400" aria-hidden /> : <Copy className="size-4" aria-hidden />
  const status = <span role="status" className="sr-only">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it by hand' : ''}</span>
  if (label)
    return <Button type="button" variant="secondary" onClick={copy}>{icon}{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}{status}</Button>
  return (
    <button type="button" onClick={copy} aria-label={`Copy ${what ?? text}`} title={state === 'failed' ? 'Copy failed' : 'Copy'}
      className="shrink-0 rounded p-1.5 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
      {icon}{status}
    </button>
  )
}

/** A value shown in monospace, wrapping anywhere so a long token never widens the page. */
export function Code({ children, className }: { children: ReactNode; className?: string }) {
  return <code className={cx('rounded-md bg-zinc-100 px-2 py-1 font-mono text-[13px] break-all text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100', className)}>{children}</code>
}

/**
 * The secret the API shows only once, with a copy button and a warning. It lives in the page's
 * state only (never in the query cache), so it is gone once the page is left.
 */
export function SecretOnce({ title, secret, children, onDone, display, doneLabel = 'Done' }: {
  title: string; secret: string; children?: ReactNode; onDone: () => void
  /** How the secret is shown, when not as one code (several codes, say); the copy button copies `secret`. */
  display?: ReactNode
  doneLabel?: string
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  // Focus moves here, so keyboard and screen-reader users land on the secret.
  useEffect(() => { heading.current?.focus() }, [secret])
  return (
    <section aria-labelledby="secret-once-title" className="mb-4 rounded-xl border border-amber-300 bg-amber-50 p-4 sm:p-5 dark:border-amber-800 dark:bg-amber-950/40">
      <h2 id="secret-once-title" ref={heading} tabIndex={-1} className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">{title}</h2>
      <p className="mt-2 flex items-start gap-2 text-sm text-amber-900 dark:text-amber-200">
        <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
        <span>Copy it now and keep it somewhere safe: it will not be shown again. If you lose it, regenerate it.</span>
      </p>
      <div className={cx('mt-3 flex flex-col gap-2', display ? 'items-start' : 'sm:flex-row sm:items-center')}>
        {display ?? <Code className="block flex-1 bg-white py-2 dark:bg-zinc-900">{secret}</Code>}
        <div className="flex gap-2">
          <CopyButton text={secret} label="Copy" />
          <Button type="button" variant="ghost" onClick={onDone}>{doneLabel}</Button>
        </div>
      </div>
      {children}
    </section>
  )
}
