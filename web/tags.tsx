// Tags: the account's tags as coloured chips (text black or white, whichever reads on the colour),
// the shared query of them, and the Tags page (/app/tags): create, rename, recolour, delete after
// confirmation.
import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Pencil, Plus, Trash2 } from 'lucide-react'
import { api, fieldError, fmt, formError, unwrap } from './api'
import { Button, Card, Empty, ErrorState, Field, Loading, PageHeader, cx } from './ui'
import { ConfirmDialog, Dialog } from './confirm'

export type Tag = NonNullable<Awaited<ReturnType<typeof api.v1.tags.get>>['data']>['data'][number]

export const DEFAULT_TAG_COLOR = '#6b7280'

export function useTags() {
  return useQuery({ queryKey: ['tags'], queryFn: () => unwrap(api.v1.tags.get()), select: (r) => r.data })
}

/** Black or white text, whichever contrasts more with the colour (WCAG relative luminance). */
export function inkOn(hex: string): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
  const l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff'
}

export function TagChip({ tag, className }: { tag: Pick<Tag, 'name' | 'color'>; className?: string }) {
  return <span className={cx('inline-block max-w-full truncate rounded-full px-2 py-0.5 text-xs font-medium', className)}
    style={{ backgroundColor: tag.color, color: inkOn(tag.color) }}>{tag.name}</span>
}

/** The chips of the given tag ids, in the account's order (ids no longer known are left out). */
export function TagChips({ ids, tags }: { ids: readonly string[]; tags: readonly Tag[] | undefined }) {
  const shown = (tags ?? []).filter((t) => ids.includes(t.id))
  if (shown.length === 0) return null
  return <span className="flex min-w-0 flex-wrap gap-1">{shown.map((t) => <TagChip key={t.id} tag={t} />)}</span>
}

const refreshTags = (client: ReturnType<typeof useQueryClient>) => Promise.all([
  client.invalidateQueries({ queryKey: ['tags'] }), client.invalidateQueries({ queryKey: ['links'] }),
])

export function Tags() {
  const q = useTags()
  const client = useQueryClient()
  const [editing, setEditing] = useState<Tag | null>(null)
  const [deleting, setDeleting] = useState<Tag | null>(null)
  const remove = useMutation({
    mutationFn: (t: Tag) => unwrap(api.v1.tags({ id: t.id }).delete()),
    onSuccess: async () => { setDeleting(null); await refreshTags(client) },
  })
  return (
    <>
      <PageHeader title="Tags" />
      <div className="flex flex-col gap-4">
        <Card title="New tag"><TagForm /></Card>
        <Card title="Your tags">
          {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
            : q.data.length === 0 ? <Empty title="No tags yet">Create one above, or while making a link.</Empty> : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {q.data.map((t) => (
                  <li key={t.id} className="flex min-w-0 items-center gap-3 py-2.5">
                    <TagChip tag={t} className="min-w-0" />
                    <span className="mr-auto shrink-0 text-sm text-zinc-600 dark:text-zinc-400">{fmt(t.links)} {t.links === 1 ? 'link' : 'links'}</span>
                    <button type="button" onClick={() => setEditing(t)} aria-label={`Edit tag ${t.name}`} title="Edit"
                      className="rounded p-1.5 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"><Pencil className="size-4" aria-hidden /></button>
                    <button type="button" onClick={() => { remove.reset(); setDeleting(t) }} aria-label={`Delete tag ${t.name}`} title="Delete"
                      className="rounded p-1.5 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"><Trash2 className="size-4" aria-hidden /></button>
                  </li>
                ))}
              </ul>
            )}
        </Card>
      </div>
      <Dialog open={editing !== null} title={editing ? `Edit tag ${editing.name}` : ''} onClose={() => setEditing(null)}>
        {editing ? <TagForm tag={editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
      <ConfirmDialog open={deleting !== null} title={deleting ? `Delete tag ${deleting.name}?` : ''} confirmLabel="Delete" danger
        pending={remove.isPending} error={remove.error} onClose={() => setDeleting(null)} onConfirm={() => deleting && remove.mutate(deleting)}>
        <p>The tag leaves every link that has it ({deleting ? fmt(deleting.links) : 0}); the links stay.</p>
      </ConfirmDialog>
    </>
  )
}

/** Create (no tag) or rename and recolour (a tag). */
function TagForm({ tag, onDone }: { tag?: Tag; onDone?: () => void }) {
  const client = useQueryClient()
  const [name, setName] = useState(tag?.name ?? '')
  const [color, setColor] = useState(tag?.color ?? DEFAULT_TAG_COLOR)
  const save = useMutation({
    mutationFn: () => tag ? unwrap(api.v1.tags({ id: tag.id }).patch({ name: name.trim(), color })) : unwrap(api.v1.tags.post({ name: name.trim(), color })),
    onSuccess: async () => { await refreshTags(client); if (!tag) setName(''); onDone?.() },
  })
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate() }
  const id = tag ? `tag-${tag.id}` : 'tag-new'
  return (
    <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
      <Field id={`${id}-name`} className="min-w-0 flex-1 basis-48" label="Name" name="name" value={name} maxLength={50} required
        onChange={(e) => setName(e.target.value)} error={fieldError(save.error, 'name')} data-autofocus={tag ? '' : undefined} />
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${id}-color`} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Colour</label>
        <input id={`${id}-color`} type="color" value={color} onChange={(e) => setColor(e.target.value)}
          className="h-9 w-14 cursor-pointer rounded-lg border border-zinc-300 bg-white p-1 dark:border-zinc-700 dark:bg-zinc-900" />
      </div>
      <Button type="submit" disabled={save.isPending}>{tag ? null : <Plus className="size-4" aria-hidden />}{save.isPending ? 'Saving…' : tag ? 'Save' : 'Add tag'}</Button>
      {tag ? <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button> : null}
      {formError(save.error, ['name', 'color']) ? <div className="basis-full"><ErrorState error={save.error} /></div> : null}
      {fieldError(save.error, 'color') ? <p className="basis-full text-sm text-red-700 dark:text-red-400">{fieldError(save.error, 'color')}</p> : null}
    </form>
  )
}

export type TagMode = 'any' | 'all'

/** The links list's tag filter: tags toggled on as chips, and whether a link needs any or all of them. */
export function TagFilter({ tags, ids, mode, onChange }: { tags: readonly Tag[]; ids: string[]; mode: TagMode; onChange: (ids: string[], mode: TagMode) => void }) {
  if (tags.length === 0) return null
  return (
    <div className="mb-4 flex min-w-0 flex-wrap items-center gap-1.5" role="group" aria-label="Filter by tag">
      <span className="mr-1 text-sm text-zinc-700 dark:text-zinc-300">Tags:</span>
      {tags.map((t) => {
        const on = ids.includes(t.id)
        return (
          <button key={t.id} type="button" aria-pressed={on} onClick={() => onChange(on ? ids.filter((i) => i !== t.id) : [...ids, t.id], mode)}
            className={cx('max-w-full truncate rounded-full border px-2.5 py-1 text-xs font-medium', on ? 'border-transparent' : 'border-zinc-300 bg-white text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200')}
            style={on ? { backgroundColor: t.color, color: inkOn(t.color) } : undefined}>{on ? '✓ ' : ''}{t.name}</button>
        )
      })}
      {ids.length > 1 ? <>
        <label htmlFor="link-tag-mode" className="sr-only">Links with</label>
        <select id="link-tag-mode" value={mode} onChange={(e) => onChange(ids, e.target.value as TagMode)}
          className="rounded-lg border border-zinc-300 bg-white px-2 py-1 text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <option value="any">Any of them</option>
          <option value="all">All of them</option>
        </select>
      </> : null}
      {ids.length > 0 ? <button type="button" onClick={() => onChange([], mode)} className="rounded px-1.5 py-1 text-xs text-indigo-700 hover:underline dark:text-indigo-400">Clear</button> : null}
    </div>
  )
}
