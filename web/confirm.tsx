// A modal dialog on the native <dialog>: showModal() keeps focus inside and makes the page behind
// inert, Escape closes it (unless its action is under way), focus returns to what opened it, and
// a click on the backdrop closes it too. ConfirmDialog asks before an action that cannot be undone.
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type ReactNode } from 'react'
import { Button, ErrorState, cx } from './ui'

type DialogProps = {
  open: boolean
  title: string
  children: ReactNode
  /** The buttons, at the bottom (a form inside brings its own). */
  actions?: ReactNode
  /** Room for a form. */
  wide?: boolean
  /** While true, neither Escape nor the backdrop closes the dialog. */
  busy?: boolean
  onClose: () => void
}

export function Dialog({ open, title, children, actions, wide, busy, onClose }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const bodyId = useId()
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) {
      d.showModal()
      // showModal focuses the first control; a field marked data-autofocus asks for the focus instead.
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    }
    if (!open && d.open) d.close()
  }, [open])
  // Closed by the browser itself (Escape pressed twice without a click in between): say so.
  const closed = () => { if (open) onClose() }
  return (
    <dialog ref={ref} aria-labelledby={titleId} aria-describedby={bodyId}
      onCancel={(e) => { e.preventDefault(); if (!busy) onClose() }}
      onClose={closed}
      onClick={(e) => { if (e.target === ref.current && !busy) onClose() }}
      className={cx('m-auto max-h-[90vh] w-[calc(100%-2rem)] overflow-y-auto rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100',
        wide ? 'max-w-2xl' : 'max-w-md')}>
      {open ? (
        <div className="p-5 [overflow-wrap:anywhere]">
          <h2 id={titleId} className="text-base font-semibold">{title}</h2>
          <div id={bodyId} className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{children}</div>
          {actions ? <div className="mt-5 flex flex-wrap justify-end gap-2">{actions}</div> : null}
        </div>
      ) : null}
    </dialog>
  )
}

type ConfirmProps = {
  open: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  /** A destructive action: the confirm button is red. */
  danger?: boolean
  pending?: boolean
  /** The action's failure, shown inside the dialog (which stays open). */
  error?: unknown
  onConfirm: () => void
  onClose: () => void
}

/** Cancel has the focus first: Enter alone never confirms a destructive action. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, pending, error, onConfirm, onClose }: ConfirmProps) {
  const Confirm = danger ? DangerButton : Button
  return (
    <Dialog open={open} title={title} busy={pending} onClose={onClose} actions={
      <>
        <Button variant="secondary" onClick={onClose} disabled={pending} autoFocus>Cancel</Button>
        <Confirm onClick={onConfirm} disabled={pending}>{pending ? 'Working…' : confirmLabel}</Confirm>
      </>
    }>
      {children}
      {error ? <div className="mt-3"><ErrorState error={error} /></div> : null}
    </Dialog>
  )
}

/** A button for an action that destroys something. */
export function DangerButton({ className, ...rest }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type="button" className={cx('inline-flex items-center justify-center gap-2 rounded-lg bg-red-700 px-3.5 py-2 text-sm font-medium text-white transition-colors hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-red-400', className)} {...rest} />
}
