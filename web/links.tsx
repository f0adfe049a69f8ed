// Links: create form (errors next to their field), then a searchable, filterable, paged table.
import { useEffect, useState, type FormEvent } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Check, Copy, Plus, Search } from 'lucide-react'
import { api, fieldError, fmt, formError, unwrap } from './api'
import { Button, Card, Empty, ErrorState, Field, Loading, PageHeader, cx } from './ui'

const STATUSES = ['ALL', 'ACTIVE', 'EXPIRED', 'USED', 'DISABLED'] as const
const EXPIRIES = [['', 'Plan default'], ['1h', '1 hour'], ['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days'], ['1y', '1 year'], ['never', 'Never']] as const
const SIZE = 20

export function Links() {
  const [typed, setTyped] = useState('')
  const [search, setSearch] = useState('')
  // One query when typing pauses, not one a keystroke: the dashboard shares the plan's rate limit.
  useEffect(() => {
    const timer = setTimeout(() => { setSearch(typed.trim()); setPage(0) }, 300)
    return () => clearTimeout(timer)
  }, [typed])
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('ALL')
  const [page, setPage] = useState(0)
  const [creating, setCreating] = useState(false)
  const q = useQuery({
    queryKey: ['links', search, status, page],
    queryFn: () => unwrap(api.v1.links.get({ query: { page, size: SIZE, status, ...(search ? { search } : {}) } })),
    placeholderData: keepPreviousData,
  })
  return (
    <>
      <PageHeader title="Links">
        <Button onClick={() => setCreating((c) => !c)} aria-expanded={creating}><Plus className="size-4" aria-hidden />New link</Button>
      </PageHeader>
      {creating ? <CreateLink onDone={() => setCreating(false)} /> : null}
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
            className="rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
            {STATUSES.map((s) => <option key={s} value={s}>{s === 'ALL' ? 'All statuses' : s[0] + s.slice(1).toLowerCase()}</option>)}
          </select>
        </div>
        {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
          : q.data.data.content.length === 0
            ? <Empty title={search || status !== 'ALL' ? 'No link matches' : 'No links yet'}>{search || status !== 'ALL' ? 'Try another search or status.' : 'Create one with “New link”.'}</Empty>
            : <LinkTable data={q.data.data} page={page} setPage={setPage} />}
      </Card>
    </>
  )
}

type Page = NonNullable<Awaited<ReturnType<typeof api.v1.links.get>>['data']>['data']

function LinkTable({ data, page, setPage }: { data: Page; page: number; setPage: (p: number) => void }) {
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full table-fixed text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            <tr>
              <th className="py-2 pr-3 font-medium">Short link</th>
              <th className="hidden px-3 py-2 font-medium sm:table-cell">Destination</th>
              <th className="w-16 px-3 py-2 text-right font-medium">Clicks</th>
              <th className="w-24 px-3 py-2 font-medium">Status</th>
              <th className="hidden w-28 py-2 pl-3 font-medium md:table-cell">Created</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {data.content.map((l) => (
              <tr key={l.id}>
                <td className="py-2.5 pr-3">
                  <div className="flex min-w-0 items-center gap-1.5">
                    <a href={l.shortUrl} target="_blank" rel="noreferrer" aria-label={l.shortUrl} className="truncate font-medium text-indigo-700 hover:underline dark:text-indigo-400">
                      <span className="hidden text-zinc-500 sm:inline dark:text-zinc-400">{new URL(l.shortUrl).host}</span>{new URL(l.shortUrl).pathname}
                    </a>
                    <CopyButton text={l.shortUrl} />
                  </div>
                  {l.title ? <div className="truncate text-xs text-zinc-600 dark:text-zinc-400">{l.title}</div> : null}
                  <div className="truncate text-xs text-zinc-600 sm:hidden dark:text-zinc-400">{l.originalUrl ?? `${l.kind} page`}</div>
                </td>
                <td className="hidden truncate px-3 py-2.5 text-zinc-700 sm:table-cell dark:text-zinc-300" title={l.originalUrl ?? ''}>{l.originalUrl ?? `${l.kind} page`}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{fmt(l.clicks)}</td>
                <td className="px-3 py-2.5"><StatusBadge status={l.status} /></td>
                <td className="hidden py-2.5 pl-3 whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">{new Date(l.createdAt).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm text-zinc-600 dark:text-zinc-400">
        <span>{fmt(data.total)} {data.total === 1 ? 'link' : 'links'} · page {fmt(page + 1)} of {fmt(Math.max(1, data.totalPages))}</span>
        <div className={cx('flex gap-2', data.totalPages <= 1 && page === 0 && 'hidden')}>
          <Button variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
          <Button variant="secondary" disabled={page + 1 >= data.totalPages} onClick={() => setPage(page + 1)}>Next</Button>
        </div>
      </nav>
    </>
  )
}

function StatusBadge({ status }: { status: string }) {
  const look = status === 'ACTIVE' ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300' : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'
  return <span className={cx('rounded-full px-2 py-0.5 text-xs font-medium', look)}>{status[0] + status.slice(1).toLowerCase()}</span>
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    await navigator.clipboard?.writeText(text).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 1500)
  }
  return (
    <button type="button" onClick={copy} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200" aria-label={`Copy ${text}`}>
      {copied ? <Check className="size-3.5 text-emerald-600" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
      <span role="status" className="sr-only">{copied ? 'Copied' : ''}</span>
    </button>
  )
}

function CreateLink({ onDone }: { onDone: () => void }) {
  const client = useQueryClient()
  const create = useMutation({
    mutationFn: (body: { url: string; slug?: string; title?: string; expiresIn?: string }) => unwrap(api.v1.links.post(body)),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['links'] })
      await client.invalidateQueries({ queryKey: ['overview'] })
      onDone()
    },
  })
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    const opt = (k: string) => { const v = String(f.get(k) ?? '').trim(); return v ? { [k]: v } : {} }
    create.mutate({ url: String(f.get('url') ?? '').trim(), ...opt('slug'), ...opt('title'), ...opt('expiresIn') })
  }
  const claimed = ['url', 'originalUrl', 'slug', 'customSlug', 'title', 'expiresIn']
  const urlError = fieldError(create.error, 'url', 'originalUrl')
    ?? (create.error && 'code' in create.error && create.error.code === 'INVALID_URL' ? create.error.message : null)
  return (
    <Card title="New link" className="mb-4">
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <Field className="sm:col-span-2" label="Destination URL" name="url" type="url" required placeholder="https://example.com/page" autoFocus error={urlError} />
        <Field label="Custom slug" name="slug" hint="Optional. Letters, digits, - and _." error={fieldError(create.error, 'slug', 'customSlug')} />
        <Field label="Title" name="title" hint="Optional." maxLength={200} error={fieldError(create.error, 'title')} />
        <div className="flex flex-col gap-1.5">
          <label htmlFor="f-expiresIn" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Expires</label>
          <select id="f-expiresIn" name="expiresIn" className="rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
            {EXPIRIES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
          {fieldError(create.error, 'expiresIn') ? <p className="text-sm text-red-700 dark:text-red-400">{fieldError(create.error, 'expiresIn')}</p> : null}
        </div>
        {!urlError && formError(create.error, claimed) ? <div className="sm:col-span-2"><ErrorState error={create.error} /></div> : null}
        <div className="flex gap-2 sm:col-span-2">
          <Button type="submit" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create link'}</Button>
          <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button>
        </div>
      </form>
    </Card>
  )
}
