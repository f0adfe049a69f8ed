// Links: create and edit forms with every field of the API (errors next to their field), a
// searchable, filterable, paged table with row and bulk actions behind a confirmation, and bulk
// create from pasted or uploaded CSV with each row's result.
import { useEffect, useState, type FormEvent, type ReactNode, type SelectHTMLAttributes } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Ban, Check, CircleCheck, Copy, Pencil, Plus, Search, Trash2, Upload } from 'lucide-react'
import { ApiError, api, fieldError, fmt, formError, unwrap } from './api'
import { Button, Card, Empty, ErrorState, Field, Loading, PageHeader, cx } from './ui'
import { ConfirmDialog, Dialog } from './confirm'
import { Link as RouteLink } from './router'
import { BulkCreate, refreshLinks } from './links-bulk'
import { SmartFields, draftOf, isSmartField, toBody, weightProblem, type SmartDraft } from './smart-fields'
import { TagChips, TagFilter, useTags, type Tag, type TagMode } from './tags'

const STATUSES = ['ALL', 'ACTIVE', 'EXPIRED', 'USED', 'DISABLED'] as const
const EXPIRIES = [['1h', '1 hour'], ['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days'], ['1y', '1 year'], ['never', 'Never']] as const
const KINDS = [['url', 'Web address'], ['wifi', 'Wi-Fi network'], ['vcard', 'Contact card (vCard)'], ['text', 'Text']] as const
const SIZE = 20
const INPUT = 'rounded-lg border bg-white px-3 py-2 text-sm text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100'

type Page = NonNullable<Awaited<ReturnType<typeof api.v1.links.get>>['data']>['data']
export type LinkItem = Page['content'][number]
type Kind = LinkItem['kind']
type Action = 'DISABLE' | 'ENABLE' | 'DELETE'
type Pending = { action: Action; links: LinkItem[] }

export function Links() {
  const [typed, setTyped] = useState('')
  const [search, setSearch] = useState('')
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('ALL')
  const [page, setPage] = useState(0)
  const [tagIds, setTagIds] = useState<string[]>([])
  const [tagMode, setTagMode] = useState<TagMode>('any')
  const tags = useTags()
  const [panel, setPanel] = useState<'create' | 'bulk' | null>(null)
  const [editing, setEditing] = useState<LinkItem | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [selected, setSelected] = useState<Map<string, LinkItem>>(new Map())
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; errors?: string[] } | null>(null)
  // One query when typing pauses, not one a keystroke: the dashboard shares the plan's rate limit.
  useEffect(() => {
    const timer = setTimeout(() => { setSearch(typed.trim()); setPage(0) }, 300)
    return () => clearTimeout(timer)
  }, [typed])
  // A selection is of the rows in view: it ends when the view changes.
  useEffect(() => setSelected(new Map()), [search, status, page, tagIds, tagMode])
  const q = useQuery({
    queryKey: ['links', search, status, page, tagIds, tagMode],
    queryFn: () => unwrap(api.v1.links.get({ query: { page, size: SIZE, status, ...(search ? { search } : {}), ...(tagIds.length ? { tags: tagIds.join(','), tagMode } : {}) } })),
    placeholderData: keepPreviousData,
  })
  const client = useQueryClient()
  const act = useMutation({
    mutationFn: ({ action, links }: Pending) => runAction(action, links),
    onSuccess: async (result, { action, links }) => {
      setPending(null)
      setSelected(new Map())
      if (action === 'DELETE' && q.data && links.length >= q.data.data.content.length && page > 0) setPage(page - 1)
      // The summary is announced once the table shows what it says.
      await refreshLinks(client)
      setOutcome(result)
    },
  })
  const toggle = (l: LinkItem, on: boolean) => setSelected((s) => { const n = new Map(s); if (on) n.set(l.slug, l); else n.delete(l.slug); return n })
  const ask = (action: Action, links: LinkItem[]) => { act.reset(); setOutcome(null); setPending({ action, links }) }
  return (
    <>
      <PageHeader title="Links">
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setPanel((p) => p === 'bulk' ? null : 'bulk')} aria-expanded={panel === 'bulk'}><Upload className="size-4" aria-hidden />Import CSV</Button>
          <Button onClick={() => setPanel((p) => p === 'create' ? null : 'create')} aria-expanded={panel === 'create'}><Plus className="size-4" aria-hidden />New link</Button>
        </div>
      </PageHeader>
      {panel === 'create' ? <Card title="New link" className="mb-4"><LinkForm onDone={() => setPanel(null)} /></Card> : null}
      {panel === 'bulk' ? <BulkCreate onClose={() => setPanel(null)} /> : null}
      <Card>
        <div className="mb-4 flex flex-col gap-3 sm:flex-row">
          <div className="relative flex-1">
            <Search className="pointer-events-none absolute top-2.5 left-3 size-4 text-zinc-500" aria-hidden />
            <label htmlFor="link-search" className="sr-only">Search links</label>
            <input id="link-search" type="search" placeholder="Search by slug, URL or title" value={typed}
              onChange={(e) => setTyped(e.target.value)}
              className="w-full rounded-lg border border-zinc-300 bg-white py-2 pr-3 pl-9 text-sm text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" />
          </div>
          <label htmlFor="link-status" className="sr-only">Status</label>
          <select id="link-status" value={status} onChange={(e) => { setStatus(e.target.value as typeof status); setPage(0) }}
            className={cx(INPUT, 'border-zinc-300 dark:border-zinc-700')}>
            {STATUSES.map((s) => <option key={s} value={s}>{s === 'ALL' ? 'All statuses' : title(s)}</option>)}
          </select>
        </div>
        <TagFilter tags={tags.data ?? []} ids={tagIds} mode={tagMode} onChange={(ids, mode) => { setTagIds(ids); setTagMode(mode); setPage(0) }} />
        <div role="status" aria-live="polite">
          {outcome ? <p className={cx('mb-3 rounded-lg px-3 py-2 text-sm', outcome.ok ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200' : 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200')}>
            {outcome.text}{outcome.errors?.length ? <span className="block text-xs">{outcome.errors.join(' · ')}</span> : null}
          </p> : null}
        </div>
        {selected.size > 0 ? (
          <div className="mb-3 flex flex-wrap items-center gap-2 rounded-lg bg-indigo-50 px-3 py-2 text-sm dark:bg-indigo-950" role="toolbar" aria-label="Selected links">
            <span className="mr-auto font-medium text-indigo-900 dark:text-indigo-100">{fmt(selected.size)} selected</span>
            <Button variant="secondary" onClick={() => ask('DISABLE', [...selected.values()])}>Disable selected</Button>
            <Button variant="secondary" onClick={() => ask('ENABLE', [...selected.values()])}>Enable selected</Button>
            <Button variant="secondary" onClick={() => ask('DELETE', [...selected.values()])}>Delete selected</Button>
            <Button variant="ghost" onClick={() => setSelected(new Map())}>Clear</Button>
          </div>
        ) : null}
        {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
          : q.data.data.content.length === 0
            ? <Empty title={search || status !== 'ALL' || tagIds.length ? 'No link matches' : 'No links yet'}>{search || status !== 'ALL' || tagIds.length ? 'Try another search, status or tag.' : 'Create one with “New link”, or import a CSV file.'}</Empty>
            : <LinkTable data={q.data.data} tags={tags.data} page={page} setPage={setPage} selected={selected} toggle={toggle}
                setAll={(on) => setSelected(on ? new Map(q.data.data.content.map((l) => [l.slug, l])) : new Map())}
                onEdit={setEditing} onAction={ask} />}
      </Card>
      <Dialog open={editing !== null} title={editing ? `Edit ${editing.slug}` : ''} onClose={() => setEditing(null)} wide>
        {editing ? <LinkForm link={editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
      <ConfirmDialog open={pending !== null} title={pending ? confirmTitle(pending) : ''} confirmLabel={pending ? title(pending.action) : ''}
        danger={pending?.action === 'DELETE'} pending={act.isPending} onClose={() => setPending(null)} onConfirm={() => pending && act.mutate(pending)}>
        {pending ? <>
          <p>{confirmText(pending)}</p>
          {act.error ? <div className="mt-3"><ErrorState error={act.error} /></div> : null}
        </> : null}
      </ConfirmDialog>
    </>
  )
}

const title = (s: string) => s[0] + s.slice(1).toLowerCase()
const plural = (n: number) => `${fmt(n)} ${n === 1 ? 'link' : 'links'}`

function confirmTitle({ action, links }: Pending) {
  return `${title(action)} ${links.length === 1 ? links[0].slug : plural(links.length)}?`
}

function confirmText({ action, links }: Pending) {
  const which = links.length === 1 ? `The short URL ${links[0].shortUrl}` : `The short URLs of ${plural(links.length)}`
  if (action === 'DELETE') return `${which} will answer “not found” at once, and the clicks recorded are deleted. This cannot be undone.`
  if (action === 'DISABLE') return `${which} will stop redirecting until enabled again. The clicks recorded are kept.`
  return `${which} will redirect again. An expired or used link stays as it is.`
}

/** One link through its own route (its error is the API's own); many through the bulk route. */
async function runAction(action: Action, links: LinkItem[]): Promise<{ ok: boolean; text: string; errors?: string[] }> {
  const past = { DISABLE: 'Disabled', ENABLE: 'Enabled', DELETE: 'Deleted' }[action]
  if (links.length === 1) {
    const route = api.v1.links({ idOrSlug: links[0].id })
    if (action === 'DELETE') await unwrap(route.delete())
    else await unwrap(route.patch({ status: action === 'DISABLE' ? 'DISABLED' : 'ACTIVE' }))
    return { ok: true, text: `${past} ${links[0].slug}.` }
  }
  const { data } = await unwrap(api.v1.links['bulk-action'].post({ action, shortCodes: links.map((l) => l.slug) }))
  return {
    ok: data.failed === 0,
    text: `${past} ${plural(data.processed)}${data.failed ? `; ${fmt(data.failed)} failed` : ''}.`,
    errors: data.errors.map((e) => `${e.shortCode}: ${e.error}`),
  }
}

function LinkTable({ data, tags, page, setPage, selected, toggle, setAll, onEdit, onAction }: {
  data: Page; tags: Tag[] | undefined; page: number; setPage: (p: number) => void
  selected: Map<string, LinkItem>; toggle: (l: LinkItem, on: boolean) => void; setAll: (on: boolean) => void
  onEdit: (l: LinkItem) => void; onAction: (a: Action, links: LinkItem[]) => void
}) {
  const all = data.content.every((l) => selected.has(l.slug))
  const some = !all && data.content.some((l) => selected.has(l.slug))
  const actions = (l: LinkItem) => <RowActions link={l} onEdit={onEdit} onAction={onAction} />
  return (
    <>
      <table className="w-full table-fixed text-left text-sm">
        <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <tr>
            <th className="w-8 py-2"><input type="checkbox" aria-label="Select all links on this page" checked={all}
              ref={(el) => { if (el) el.indeterminate = some }} onChange={(e) => setAll(e.target.checked)} className="size-4 accent-indigo-600" /></th>
            <th className="py-2 pr-3 font-medium">Link</th>
            <th className="hidden px-3 py-2 font-medium lg:table-cell">Destination</th>
            <th className="hidden w-16 px-3 py-2 text-right font-medium sm:table-cell">Clicks</th>
            <th className="w-20 px-2 py-2 font-medium sm:w-24 sm:px-3">Status</th>
            <th className="hidden w-28 px-3 py-2 font-medium xl:table-cell">Created</th>
            <th className="hidden w-28 py-2 pl-3 font-medium sm:table-cell"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {data.content.map((l) => (
            <tr key={l.id} className={cx(selected.has(l.slug) && 'bg-indigo-50/60 dark:bg-indigo-950/40')}>
              <td className="py-2.5 align-top"><input type="checkbox" aria-label={`Select ${l.slug}`} checked={selected.has(l.slug)}
                onChange={(e) => toggle(l, e.target.checked)} className="mt-0.5 size-4 accent-indigo-600" /></td>
              <td className="min-w-0 py-2.5 pr-3">
                <RouteLink href={`/app/links/${encodeURIComponent(l.slug)}`} className="block truncate font-medium text-zinc-900 hover:underline dark:text-zinc-100">{l.title || l.slug}</RouteLink>
                <div className="flex min-w-0 items-center gap-1.5">
                  <a href={l.shortUrl} target="_blank" rel="noreferrer" aria-label={l.shortUrl} className="truncate text-indigo-700 hover:underline dark:text-indigo-400">
                    <span className="hidden sm:inline">{new URL(l.shortUrl).host}</span>{new URL(l.shortUrl).pathname}
                  </a>
                  <CopyButton text={l.shortUrl} />
                </div>
                {l.tagIds.length ? <div className="my-0.5"><TagChips ids={l.tagIds} tags={tags} /></div> : null}
                <div className="truncate text-xs text-zinc-600 lg:hidden dark:text-zinc-400">{destination(l)}</div>
                <div className="text-xs text-zinc-600 sm:hidden dark:text-zinc-400">{fmt(l.clicks)} {l.clicks === 1 ? 'click' : 'clicks'}</div>
                <div className="mt-1 sm:hidden">{actions(l)}</div>
              </td>
              <td className="hidden truncate px-3 py-2.5 text-zinc-700 lg:table-cell dark:text-zinc-300" title={l.originalUrl ?? ''}>{destination(l)}</td>
              <td className="hidden px-3 py-2.5 text-right tabular-nums sm:table-cell">{fmt(l.clicks)}</td>
              <td className="px-2 py-2.5 align-top sm:px-3"><StatusBadge status={l.status} /></td>
              <td className="hidden px-3 py-2.5 whitespace-nowrap text-zinc-600 xl:table-cell dark:text-zinc-400">{new Date(l.createdAt).toLocaleDateString()}</td>
              <td className="hidden py-2.5 pl-3 sm:table-cell">{actions(l)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600 dark:text-zinc-400">
        <span>{plural(data.total)} · page {fmt(page + 1)} of {fmt(Math.max(1, data.totalPages))}</span>
        <div className={cx('flex gap-2', data.totalPages <= 1 && page === 0 && 'hidden')}>
          <Button variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <Button variant="secondary" disabled={page + 1 >= data.totalPages} onClick={() => setPage(page + 1)}>Next</Button>
        </div>
      </nav>
    </>
  )
}

const destination = (l: LinkItem) => l.originalUrl ?? `${KINDS.find(([k]) => k === l.kind)?.[1] ?? l.kind} page`

function RowActions({ link, onEdit, onAction }: { link: LinkItem; onEdit: (l: LinkItem) => void; onAction: (a: Action, links: LinkItem[]) => void }) {
  const icon = 'rounded p-1.5 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100'
  const disabled = link.status === 'DISABLED'
  return (
    <div className="flex items-center gap-0.5">
      <button type="button" className={icon} onClick={() => onEdit(link)} aria-label={`Edit ${link.slug}`} title="Edit"><Pencil className="size-4" aria-hidden /></button>
      <button type="button" className={icon} onClick={() => onAction(disabled ? 'ENABLE' : 'DISABLE', [link])}
        aria-label={`${disabled ? 'Enable' : 'Disable'} ${link.slug}`} title={disabled ? 'Enable' : 'Disable'}>
        {disabled ? <CircleCheck className="size-4" aria-hidden /> : <Ban className="size-4" aria-hidden />}
      </button>
      <button type="button" className={icon} onClick={() => onAction('DELETE', [link])} aria-label={`Delete ${link.slug}`} title="Delete"><Trash2 className="size-4" aria-hidden /></button>
    </div>
  )
}

/** A link's status as a coloured chip (the links table and the link page). */
export function StatusBadge({ status }: { status: string }) {
  const look = status === 'ACTIVE' ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
    : status === 'DISABLED' ? 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200'
    : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
  return <span className={cx('rounded-full px-2 py-0.5 text-xs font-medium', look)}>{title(status)}</span>
}

export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    await navigator.clipboard?.writeText(text).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 1500)
  }
  return (
    <button type="button" onClick={copy} className="shrink-0 rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200" aria-label={`Copy ${text}`}>
      {copied ? <Check className="size-3.5 text-emerald-600" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
      <span role="status" className="sr-only">{copied ? 'Copied' : ''}</span>
    </button>
  )
}

function Select({ label, name, error, hint, children, className, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; error?: string | null; hint?: ReactNode }) {
  const id = `f-${name.replace('.', '-')}`
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{label}</label>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={cx(INPUT, error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700')} {...rest}>{children}</select>
      {error ? <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">{error}</p>
        : hint ? <p id={`${id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
    </div>
  )
}

type PayloadField = { name: string; label: string; hint?: string; required?: boolean; type?: 'text' | 'email' | 'url' | 'tel' | 'textarea' | 'password'; options?: string[]; check?: boolean }
const PAYLOAD: Record<Exclude<Kind, 'url'>, PayloadField[]> = {
  wifi: [
    { name: 'ssid', label: 'Network name (SSID)', required: true },
    { name: 'encryption', label: 'Security', options: ['WPA', 'WEP', 'nopass'] },
    { name: 'password', label: 'Password', type: 'password', hint: 'Not needed when security is nopass.' },
    { name: 'hidden', label: 'Hidden network', check: true },
  ],
  vcard: [
    { name: 'name', label: 'Name', required: true }, { name: 'phone', label: 'Phone', type: 'tel' },
    { name: 'email', label: 'Email', type: 'email' }, { name: 'org', label: 'Organisation' },
    { name: 'title', label: 'Job title' }, { name: 'url', label: 'Website', type: 'url' }, { name: 'address', label: 'Address' },
  ],
  text: [{ name: 'text', label: 'Text', required: true, type: 'textarea' }],
}

function payloadOf(kind: Exclude<Kind, 'url'>, f: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const p of PAYLOAD[kind]) {
    if (p.check) { out[p.name] = f.get(`payload.${p.name}`) === 'on'; continue }
    const v = String(f.get(`payload.${p.name}`) ?? '').trim()
    if (v) out[p.name] = v
  }
  return out
}

function useVerifiedDomains() {
  return useQuery({ queryKey: ['domains'], queryFn: () => unwrap(api.v1.domains.get()), select: (r) => r.data.filter((d) => d.isVerified) })
}

/** Create (no link) or edit (a link): one form, every field the API takes; each error under its field. */
function LinkForm({ link, onDone }: { link?: LinkItem; onDone: () => void }) {
  const client = useQueryClient()
  const [kind, setKind] = useState<Kind>(link?.kind ?? 'url')
  const domains = useVerifiedDomains()
  // A link on the default host names that host as its domain; the form names it by ''.
  const domain = link && domains.data?.some((d) => d.hostname === link.domain) ? link.domain : ''
  const [smart, setSmart] = useState<SmartDraft>(() => draftOf(link))
  const save = useMutation({
    mutationFn: (f: FormData) => link ? update(link, domain, kind, f, smart) : create(kind, f, smart),
    onSuccess: async () => { await refreshLinks(client); onDone() },
  })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (kind === 'url' && weightProblem(smart)) { document.getElementById('f-ab-0-weight')?.focus(); return }
    save.mutate(new FormData(e.currentTarget))
  }
  const err = (...fields: string[]) => fieldError(save.error, ...fields)
  const urlError = err('url', 'originalUrl') ?? (save.error instanceof ApiError && save.error.code === 'INVALID_URL' && !isSmartField(save.error.field) ? save.error.message : null)
  const payloadFields = kind === 'url' ? [] : PAYLOAD[kind]
  const claimed = ['url', 'originalUrl', 'slug', 'customSlug', 'title', 'expiresIn', 'kind', 'domain', 'singleUse', 'payload', ...payloadFields.map((p) => `payload.${p.name}`),
    ...(save.error instanceof ApiError && isSmartField(save.error.field) ? [save.error.field!] : [])]
  const shortHost = new URL(location.origin).host
  const payload = (link?.payload ?? {}) as Record<string, unknown>
  return (
    <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
      <Select label="Kind" name="kind" value={kind} disabled={!!link} onChange={(e) => setKind(e.target.value as Kind)} error={err('kind')}
        hint={link ? 'A link keeps its kind.' : 'Wi-Fi, contact and text links need a paid plan.'}>
        {KINDS.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </Select>
      <Select key={domains.isPending ? 'loading' : 'loaded'} label="Domain" name="domain" defaultValue={domain} error={err('domain')}
        hint={domains.isError ? 'Your domains could not be loaded.' : 'Verified custom domains need a paid plan.'}>
        <option value="">{shortHost}</option>
        {domains.data?.map((d) => <option key={d.id} value={d.hostname}>{d.hostname}</option>)}
      </Select>
      {kind === 'url'
        ? <Field className="sm:col-span-2" label="Destination URL" name="url" type="url" required placeholder="https://example.com/page"
            defaultValue={link?.originalUrl ?? ''} autoFocus={!link} data-autofocus={link ? undefined : ''} error={urlError} />
        : payloadFields.map((p) => <PayloadInput key={`${kind}-${p.name}`} field={p} value={payload[p.name]} error={err(`payload.${p.name}`) ?? (p.required ? err('payload') : null)} />)}
      <Field label={link ? 'Slug' : 'Custom slug'} name="slug" defaultValue={link?.slug ?? ''} autoFocus={!!link} data-autofocus={link ? '' : undefined}
        hint={link ? 'Changing it retires the old short URL.' : 'Optional. Letters, digits, - and _.'} error={err('slug', 'customSlug')} />
      <Field label="Title" name="title" hint="Optional." maxLength={200} defaultValue={link?.title ?? ''} error={err('title')} />
      <Select label="Expires" name="expiresIn" defaultValue="" error={err('expiresIn')}
        hint={link ? (link.expiresAt ? `Now: ${new Date(link.expiresAt).toLocaleString()}` : 'Now: never') : 'Capped by your plan.'}>
        <option value="">{link ? 'Keep as it is' : 'Plan default'}</option>
        {EXPIRIES.map(([v, label]) => <option key={v} value={v}>{label === 'Never' ? 'Never' : `In ${label}`}</option>)}
      </Select>
      <div className="flex items-center gap-2 self-end pb-2">
        <input id="f-singleUse" name="singleUse" type="checkbox" defaultChecked={link?.singleUse ?? false} className="size-4 accent-indigo-600" />
        <label htmlFor="f-singleUse" className="text-sm text-zinc-800 dark:text-zinc-200">Single use (works for one visit)</label>
      </div>
      <SmartFields draft={smart} set={setSmart} error={save.error} kind={kind}
        open={!!link && (link.tagIds.length > 0 || !!link.utm || !!link.rules || !!link.abTest || link.hasPassword || link.maxClicks !== null || !!link.expiredUrl || !!link.og)} />
      {!urlError && formError(save.error, claimed) ? <div className="sm:col-span-2"><ErrorState error={save.error} /></div> : null}
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" disabled={save.isPending}>{save.isPending ? 'Saving…' : link ? 'Save changes' : 'Create link'}</Button>
        <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  )
}

function PayloadInput({ field: p, value, error }: { field: PayloadField; value: unknown; error: string | null }) {
  const name = `payload.${p.name}`
  const id = `f-payload-${p.name}`
  if (p.check) return (
    <div className="flex items-center gap-2 self-end pb-2">
      <input id={id} name={name} type="checkbox" defaultChecked={value === true} className="size-4 accent-indigo-600" />
      <label htmlFor={id} className="text-sm text-zinc-800 dark:text-zinc-200">{p.label}</label>
    </div>
  )
  if (p.options) return (
    <Select label={p.label} name={name} defaultValue={typeof value === 'string' ? value : p.options[0]} error={error}>
      {p.options.map((o) => <option key={o} value={o}>{o === 'nopass' ? 'None (open network)' : o}</option>)}
    </Select>
  )
  if (p.type === 'textarea') return (
    <div className="flex flex-col gap-1.5 sm:col-span-2">
      <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{p.label}</label>
      <textarea id={id} name={name} rows={4} maxLength={4000} defaultValue={typeof value === 'string' ? value : ''} aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined} className={cx(INPUT, error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700')} />
      {error ? <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">{error}</p> : null}
    </div>
  )
  return <Field id={id} label={p.label} name={name} type={p.type ?? 'text'} required={p.required} hint={p.hint}
    defaultValue={typeof value === 'string' ? value : ''} error={error} />
}

const text = (f: FormData, k: string) => String(f.get(k) ?? '').trim()

function create(kind: Kind, f: FormData, smart: SmartDraft) {
  const opt = (k: string) => { const v = text(f, k); return v ? { [k]: v } : {} }
  return unwrap(api.v1.links.post({
    kind, ...(kind === 'url' ? { url: text(f, 'url') } : { payload: payloadOf(kind, f) }),
    ...opt('slug'), ...opt('title'), ...opt('expiresIn'), ...opt('domain'), singleUse: f.get('singleUse') === 'on',
    ...withoutNulls(toBody(smart, kind === 'url', true)),
  }))
}

const withoutNulls = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> }

/** Sends only what changed: a field left as it was is never refused for a plan that lost it. */
function update(link: LinkItem, domain: string, kind: Kind, f: FormData, smart: SmartDraft) {
  const body: Parameters<ReturnType<typeof api.v1.links>['patch']>[0] = {}
  const slug = text(f, 'slug')
  if (slug !== link.slug) body.slug = slug
  const title = text(f, 'title')
  if (title !== (link.title ?? '')) body.title = title || null
  if (kind === 'url' && text(f, 'url') !== link.originalUrl) body.url = text(f, 'url')
  if (kind !== 'url') {
    const payload = payloadOf(kind, f)
    if (JSON.stringify(payload) !== JSON.stringify(link.payload)) body.payload = payload
  }
  if (text(f, 'expiresIn')) body.expiresIn = text(f, 'expiresIn')
  const singleUse = f.get('singleUse') === 'on'
  if (singleUse !== link.singleUse) body.singleUse = singleUse
  if (text(f, 'domain') !== domain) body.domain = text(f, 'domain') || null
  // A smart field goes when it differs from the link's (compared as the API would store it).
  const was = toBody(draftOf(link), kind === 'url')
  const now = toBody(smart, kind === 'url')
  for (const k of Object.keys(now) as (keyof typeof now)[]) {
    if (JSON.stringify(now[k]) !== JSON.stringify(was[k])) Object.assign(body, { [k]: now[k] })
  }
  if (Object.keys(body).length === 0) return Promise.resolve(null)
  return unwrap(api.v1.links({ idOrSlug: link.id }).patch(body))
}
