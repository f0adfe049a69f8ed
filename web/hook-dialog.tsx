// A confirmation in a modal <dialog>: showModal keeps focus inside it and makes the page behind
// inert, Escape cancels (unless the action is under way), and focus goes back to what opened it.
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type ReactNode } from 'react'
import { Button, ErrorState, cx } from './ui'

type Props = {
  open: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  /** A destructive action: the confirm button is red. */
  danger?: boolean
  pending?: boolean
  error?: unknown
  onConfirm: () => void
  onClose: () => void
}

export function ConfirmDialog({ open, title, children, confirmLabel, danger, pending, error, onConfirm, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const bodyId = useId()
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])
  return (
    <dialog ref={ref} aria-labelledby={titleId} aria-describedby={bodyId}
      onCancel={(e) => { e.preventDefault(); if (!pending) onClose() }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
      {open ? (
        <>
          <h2 id={titleId} className="text-base font-semibold">{title}</h2>
          <div id={bodyId} className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{children}</div>
          {error ? <div className="mt-3"><ErrorState error={error} /></div> : null}
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={pending} autoFocus>Cancel</Button>
            {danger
              ? <DangerButton onClick={onConfirm} disabled={pending}>{pending ? 'Working…' : confirmLabel}</DangerButton>
              : <Button onClick={onConfirm} disabled={pending}>{pending ? 'Working…' : confirmLabel}</Button>}
          </div>
        </>
      ) : null}
    </dialog>
  )
}

/** A button for an action that destroys something. */
export function DangerButton({ className, ...rest }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type="button" className={cx('inline-flex items-center justify-center gap-2 rounded-lg bg-red-700 px-3.5 py-2 text-sm font-medium text-white transition-colors hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-red-400', className)} {...rest} />
}
