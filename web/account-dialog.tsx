// A confirmation dialog on the native <dialog> (modal: focus stays inside, Escape cancels, focus
// returns to the opener), for the account and admin pages' actions that are hard to undo.
import { useEffect, useRef, type ReactNode } from 'react'
import { Button, ErrorState } from './ui'

export function ConfirmDialog({ open, title, children, confirmLabel, busy, error, onConfirm, onClose }: {
  open: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  busy?: boolean
  error?: unknown
  onConfirm: () => void
  onClose: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="confirm-title"
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100">
      {open ? (
        <div className="flex flex-col gap-4 p-5">
          <h2 id="confirm-title" className="text-base font-semibold">{title}</h2>
          <div className="text-sm text-zinc-700 dark:text-zinc-300">{children}</div>
          {error ? <ErrorState error={error} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" type="button" onClick={onClose} autoFocus>Cancel</Button>
            <Button type="button" onClick={onConfirm} disabled={busy}>{busy ? 'Working…' : confirmLabel}</Button>
          </div>
        </div>
      ) : null}
    </dialog>
  )
}
