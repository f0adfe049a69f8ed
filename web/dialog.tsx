// A modal dialog: focus moves in and is trapped while open, Escape and the backdrop close it, and
// focus returns to what had it before. Reused by every page that asks for confirmation.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { X } from 'lucide-react'
import { Button, cx } from './ui'

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function Dialog({ open, title, onClose, children, footer, wide }: {
  open: boolean; title: string; onClose: () => void; children?: ReactNode; footer?: ReactNode; wide?: boolean
}) {
  const panel = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const close = useRef(onClose)
  close.current = onClose
  // What had the focus before opening, read while rendering: a field's autoFocus inside moves it on commit.
  const opener = useRef<HTMLElement | null>(null)
  if (!open) opener.current = null
  else if (!opener.current) opener.current = document.activeElement as HTMLElement | null
  useEffect(() => {
    if (!open) return
    const before = opener.current
    const el = panel.current
    if (!el?.contains(document.activeElement)) {
      const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>(`[data-dialog-body] :is(${FOCUSABLE})`)
        ?? el?.querySelector<HTMLElement>(FOCUSABLE)
      ;(first ?? el)?.focus()
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') { e.preventDefault(); close.current(); return }
      if (e.key !== 'Tab' || !el) return
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)]
      if (items.length === 0) { e.preventDefault(); return }
      const [head, tail] = [items[0], items[items.length - 1]]
      if (e.shiftKey && (document.activeElement === head || !el.contains(document.activeElement))) { e.preventDefault(); tail.focus() }
      else if (!e.shiftKey && (document.activeElement === tail || !el.contains(document.activeElement))) { e.preventDefault(); head.focus() }
    }
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('keydown', onKey)
      if (before?.isConnected) before.focus()
    }
  }, [open])
  if (!open) return null
  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-zinc-950/50 p-3 sm:items-center" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose() }}>
      <div ref={panel} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}
        className={cx('max-h-[90vh] w-full overflow-y-auto', wide ? 'max-w-2xl' : 'max-w-md', 'rounded-xl border border-zinc-200 bg-white p-5 shadow-xl outline-none dark:border-zinc-800 dark:bg-zinc-900')}>
        <div className="mb-3 flex items-start justify-between gap-3">
          <h2 id={titleId} className="text-base font-semibold text-zinc-900 dark:text-zinc-50">{title}</h2>
          <button type="button" onClick={onClose} aria-label="Close" className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200">
            <X className="size-4" aria-hidden />
          </button>
        </div>
        <div data-dialog-body className="text-sm text-zinc-700 dark:text-zinc-300">{children}</div>
        {footer ? <div className="mt-5 flex flex-wrap justify-end gap-2">{footer}</div> : null}
      </div>
    </div>
  )
}

/** Asks before an action: Cancel has the focus first, so Enter never confirms by accident. */
export function Confirm({ open, title, children, confirmLabel, danger, busy, onConfirm, onClose }: {
  open: boolean; title: string; children?: ReactNode; confirmLabel: string; danger?: boolean; busy?: boolean
  onConfirm: () => void; onClose: () => void
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose} footer={<>
      <Button variant="secondary" onClick={onClose} data-autofocus>Cancel</Button>
      <Button onClick={onConfirm} disabled={busy} className={danger ? 'bg-red-700 hover:bg-red-600 disabled:bg-red-400' : undefined}>{busy ? 'Working…' : confirmLabel}</Button>
    </>}>{children}</Dialog>
  )
}
