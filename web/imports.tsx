// Import and export: a file from Kurz, Bitly, Kutt, YOURLS or Shlink becomes links, with its
// progress live and each failed row's reason; earlier imports below; and downloads of every link
// (CSV or JSON) and of the raw clicks (CSV), to take the account's data elsewhere.
import { useEffect, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Download, FileUp } from 'lucide-react'
import { ApiError, api, fieldError, fmt, formError, unwrap } from './api'
import { Button, Card, Empty, ErrorState, Field, Loading, PageHeader, cx } from './ui'

const FORMATS = [
  ['auto', 'Recognise it'], ['kurz', 'Kurz export'], ['bitly', 'Bitly (CSV)'], ['kutt', 'Kutt (JSON)'], ['yourls', 'YOURLS (CSV)'], ['shlink', 'Shlink (CSV or JSON)'],
] as const
type Format = (typeof FORMATS)[number][0]

type ImportItem = NonNullable<Awaited<ReturnType<ReturnType<typeof api.v1.imports>['get']>>['data']>['data']

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function Imports() {
  const [current, setCurrent] = useState<string | null>(null)
  return (
    <>
      <PageHeader title="Import and export" />
      <div className="flex flex-col gap-5">
        <StartImport onStarted={setCurrent} />
        {current ? <Progress id={current} /> : null}
        <History onPick={setCurrent} current={current} />
        <Exports />
      </div>
    </>
  )
}

function StartImport({ onStarted }: { onStarted: (id: string) => void }) {
  const client = useQueryClient()
  const [file, setFile] = useState<File | null>(null)
  const [pasted, setPasted] = useState('')
  const [format, setFormat] = useState<Format>('auto')
  const [dryRun, setDryRun] = useState(true)
  const [domain, setDomain] = useState('')
  const start = useMutation({
    mutationFn: async () => {
      const text = file ? await file.text() : pasted
      const json = /^\s*[[{]/.test(text)
      return unwrap(api.v1.imports.post(text, {
        query: { format, dryRun: dryRun ? 'true' : 'false', ...(domain.trim() ? { domain: domain.trim() } : {}) },
        headers: { 'content-type': json ? 'application/json' : 'text/csv' },
      }))
    },
    onSuccess: (r) => {
      onStarted(r.data.id)
      void client.invalidateQueries({ queryKey: ['imports'] })
    },
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    start.mutate()
  }
  const fileError = fieldError(start.error, 'body')
  const nothing = !file && pasted.trim() === ''
  return (
    <Card title="Bring your links over">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          A Kurz export, Bitly's links CSV, Kutt's links JSON, YOURLS's <code>yourls_url</code> table as CSV, or Shlink's export.
          Slugs are kept; a link you already have is skipped, so running the same file twice creates nothing new.
        </p>
        <div className="flex flex-col gap-1.5">
          <label htmlFor="import-file" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">File</label>
          <input id="import-file" type="file" accept=".csv,.json,text/csv,application/json"
            aria-invalid={fileError ? true : undefined} aria-describedby={fileError ? 'import-file-error' : undefined}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className="text-sm text-zinc-800 file:mr-3 file:rounded-lg file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium dark:text-zinc-200 dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100" />
          {fileError ? <p id="import-file-error" className="text-sm text-red-700 dark:text-red-400">{fileError}</p> : null}
        </div>
        {file ? null : (
          <div className="flex flex-col gap-1.5">
            <label htmlFor="import-paste" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Or paste it</label>
            <textarea id="import-paste" rows={5} value={pasted} onChange={(e) => setPasted(e.target.value)}
              placeholder={'url,slug,title\nhttps://example.com/launch,launch,Launch'}
              className="rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-xs text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400" />
          </div>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-1.5">
            <label htmlFor="import-format" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Format</label>
            <select id="import-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}
              className="rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
              {FORMATS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </div>
          <Field label="Domain (optional)" name="import-domain" value={domain} onChange={(e) => setDomain(e.target.value)}
            placeholder="go.example.com" hint="Put every link on this verified domain of yours" error={fieldError(start.error, 'domain')} />
        </div>
        <label className="flex items-center gap-2 text-sm text-zinc-800 dark:text-zinc-200">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} className="size-4 rounded border-zinc-300" />
          Dry run: check every row, create nothing
        </label>
        {formError(start.error, ['body', 'domain']) ? <ErrorState error={start.error} /> : null}
        <div>
          <Button type="submit" disabled={start.isPending || nothing}><FileUp className="size-4" aria-hidden />{dryRun ? 'Check the file' : 'Import'}</Button>
        </div>
      </form>
    </Card>
  )
}

const running = (s: ImportItem['status']) => s === 'QUEUED' || s === 'RUNNING'

function Progress({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['imports', id],
    queryFn: () => unwrap(api.v1.imports({ id }).get()),
    refetchInterval: (query) => (query.state.data && !running(query.state.data.data.status) ? false : 1000),
  })
  // The list of earlier imports shows the final counts once this one is over.
  const client = useQueryClient()
  const over = q.data !== undefined && !running(q.data.data.status)
  useEffect(() => { if (over) void client.invalidateQueries({ queryKey: ['imports'], exact: true }) }, [over, client])
  if (q.isPending) return <Card title="Progress"><Loading /></Card>
  if (q.isError) return <Card title="Progress"><ErrorState error={q.error} retry={() => q.refetch()} /></Card>
  const i = q.data.data
  const share = i.total ? Math.round((i.done / i.total) * 100) : 0
  return (
    <Card title={i.dryRun ? 'Dry run' : 'Progress'}>
      <div className="flex flex-col gap-4">
        <div>
          <div className="mb-1.5 flex justify-between text-sm text-zinc-700 dark:text-zinc-300">
            <span aria-live="polite">{statusText(i)}</span>
            <span>{fmt(i.done)} / {fmt(i.total)} rows</span>
          </div>
          <div role="progressbar" aria-label="Rows worked through" aria-valuemin={0} aria-valuemax={100} aria-valuenow={share}
            className="h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
            <div className="h-full rounded-full bg-indigo-600 transition-all dark:bg-indigo-400" style={{ width: `${share}%` }} />
          </div>
        </div>
        <dl className="grid grid-cols-3 gap-3 text-center">
          {([[i.dryRun ? 'Would create' : 'Created', i.created], ['Skipped', i.skipped], ['Failed', i.failed]] as const).map(([label, n]) => (
            <div key={label} className="rounded-lg bg-zinc-50 p-3 dark:bg-zinc-800/60">
              <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
              <dd className="text-lg font-semibold text-zinc-900 tabular-nums dark:text-zinc-50">{fmt(n)}</dd>
            </div>
          ))}
        </dl>
        {i.error ? <ErrorState error={new ApiError(0, 'IMPORT_FAILED', i.error, null)} /> : null}
        {i.errors.length ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Rows that failed</caption>
              <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                <tr><th className="w-16 py-2 pr-3 font-medium">Row</th><th className="py-2 font-medium">Why</th></tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {i.errors.map((e) => (
                  <tr key={`${e.row}-${e.code}`}>
                    <td className="py-2 pr-3 tabular-nums text-zinc-700 dark:text-zinc-300">{fmt(e.row)}</td>
                    <td className="py-2 break-words text-zinc-800 dark:text-zinc-200">{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
    </Card>
  )
}

function statusText(i: ImportItem): string {
  if (i.status === 'QUEUED') return 'Waiting to start…'
  if (i.status === 'RUNNING') return 'Importing…'
  if (i.status === 'FAILED') return 'Stopped'
  return i.dryRun ? 'Checked: nothing was created' : 'Done'
}

function History({ onPick, current }: { onPick: (id: string) => void; current: string | null }) {
  const q = useQuery({ queryKey: ['imports'], queryFn: () => unwrap(api.v1.imports.get({ query: { size: 20 } })) })
  return (
    <Card title="Earlier imports">
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
        : q.data.data.content.length === 0 ? <Empty title="No imports yet">Your imports will be listed here.</Empty>
          : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {q.data.data.content.map((i) => (
                <li key={i.id}>
                  <button type="button" onClick={() => onPick(i.id)} aria-current={current === i.id ? 'true' : undefined}
                    className={cx('flex w-full flex-wrap items-center justify-between gap-2 rounded-lg px-2 py-2.5 text-left text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800',
                      current === i.id && 'bg-indigo-50 dark:bg-indigo-950')}>
                    <span className="font-medium text-zinc-900 dark:text-zinc-100">{FORMATS.find(([f]) => f === i.format)?.[1] ?? i.format}{i.dryRun ? ' · dry run' : ''}</span>
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {fmt(i.created)} {i.dryRun ? 'would be created' : 'created'} · {fmt(i.skipped)} skipped · {fmt(i.failed)} failed · {dateTime.format(new Date(i.createdAt))}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
    </Card>
  )
}

const RANGES = [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['90d', 'Last 90 days'], ['all', 'All time']] as const

/**
 * Hands the browser a file made of what the API answered. A streamed text answer reaches Eden as
 * an async stream of its chunks; a JSON answer as its value, written back as JSON.
 */
async function save(name: string, type: string, data: unknown) {
  let body: string
  if (typeof data === 'string') body = data
  else if (data && typeof data === 'object' && Symbol.asyncIterator in data) {
    body = ''
    for await (const chunk of data as AsyncIterable<unknown>) body += typeof chunk === 'string' ? chunk : JSON.stringify(chunk)
  } else body = JSON.stringify(data, null, 2)
  const url = URL.createObjectURL(new Blob([body], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

function Exports() {
  const [range, setRange] = useState<(typeof RANGES)[number][0]>('30d')
  const day = new Date().toISOString().slice(0, 10)
  const links = useMutation({
    mutationFn: async (format: 'csv' | 'json') => {
      const data = await unwrap(api.v1.links.export.get({ query: { format } }))
      await save(`kurz-links-${day}.${format}`, format === 'csv' ? 'text/csv' : 'application/json', data)
    },
  })
  const clicks = useMutation({
    mutationFn: async () => await save(`kurz-clicks-${range}-${day}.csv`, 'text/csv', await unwrap(api.v1.analytics.export.get({ query: { range, format: 'csv' } }))),
  })
  return (
    <Card title="Take your data with you">
      <div className="flex flex-col gap-4">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every link with all its fields, as CSV or JSON (a Kurz export imports back here, or into another Kurz), and the raw
          click events as CSV (no IP addresses: the fields the analytics keep).
        </p>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" disabled={links.isPending} onClick={() => links.mutate('csv')}><Download className="size-4" aria-hidden />Links as CSV</Button>
          <Button variant="secondary" disabled={links.isPending} onClick={() => links.mutate('json')}><Download className="size-4" aria-hidden />Links as JSON</Button>
        </div>
        {links.error ? <ErrorState error={links.error} /> : null}
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1.5">
            <label htmlFor="export-range" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Clicks from</label>
            <select id="export-range" value={range} onChange={(e) => setRange(e.target.value as typeof range)}
              className="rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
              {RANGES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </div>
          <Button variant="secondary" disabled={clicks.isPending} onClick={() => clicks.mutate()}><Download className="size-4" aria-hidden />Clicks as CSV</Button>
        </div>
        {clicks.error ? <ErrorState error={clicks.error} /> : null}
      </div>
    </Card>
  )
}
