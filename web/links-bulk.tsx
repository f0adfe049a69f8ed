// Bulk create from CSV (columns url[,slug,title]; a header row is skipped), pasted or uploaded and
// parsed in the browser; one call to the bulk API, then each row's short URL or its error.
import { useState, type ChangeEvent } from 'react'
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { api, fmt, unwrap } from './api'
import { Button, Card, ErrorState, cx } from './ui'

/** After a change: the list, the overview's figures and the link pages are read again. */
export async function refreshLinks(client: QueryClient) {
  await Promise.all([['links'], ['overview'], ['link']].map((queryKey) => client.invalidateQueries({ queryKey })))
}

type Row = { line: number; url: string; slug?: string; title?: string }
type Result = Row & { shortUrl?: string; error?: string }

/** RFC 4180 fields: commas and newlines inside double quotes, "" for a quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ }
      else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += c
  }
  row.push(cell)
  rows.push(row)
  return rows
}

export function csvRows(text: string): Row[] {
  const out: Row[] = []
  parseCsv(text).forEach((cells, i) => {
    const [url = '', slug = '', title = ''] = cells.map((c) => c.trim())
    if (!url && !slug && !title) return
    if (i === 0 && url.toLowerCase() === 'url') return
    out.push({ line: i + 1, url, ...(slug ? { slug } : {}), ...(title ? { title } : {}) })
  })
  return out
}

export function BulkCreate({ onClose }: { onClose: () => void }) {
  const client = useQueryClient()
  const [text, setText] = useState('')
  const [fileError, setFileError] = useState<string | null>(null)
  const rows = csvRows(text)
  const run = useMutation({
    mutationFn: async (rows: Row[]): Promise<Result[]> => {
      const { data } = await unwrap(api.v1.links.bulk.post({ links: rows.map(({ line: _, ...link }) => link) }))
      const failed = new Map(data.failed.map((f) => [f.index, f.error]))
      let next = 0
      // Created links come back in the order of the rows that did not fail.
      return rows.map((r, i) => failed.has(i) ? { ...r, error: failed.get(i) } : { ...r, shortUrl: data.created[next++]?.shortUrl })
    },
    onSuccess: () => refreshLinks(client),
  })
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    setFileError(null)
    if (!file) return
    if (file.size > 4 * 1024 * 1024) { setFileError('The file is larger than 4 MB.'); return }
    setText(await file.text())
    run.reset()
  }
  const results = run.data
  const created = results?.filter((r) => r.shortUrl).length ?? 0
  return (
    <Card title="Import links from CSV" className="mb-4">
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">One link a line: <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">url,slug,title</code> (slug and title optional; a header line is skipped).</p>
      <div className="flex flex-col gap-1.5">
        <label htmlFor="bulk-csv" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">CSV rows</label>
        <textarea id="bulk-csv" rows={5} value={text} onChange={(e) => { setText(e.target.value); run.reset() }} spellCheck={false}
          placeholder={'https://example.com/a,spring-sale,Spring sale\nhttps://example.com/b'}
          className="rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-xs text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" />
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor="bulk-file" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Or upload a CSV file</label>
        <input id="bulk-file" type="file" accept=".csv,text/csv,text/plain" onChange={load}
          className="max-w-full text-sm text-zinc-700 file:mr-2 file:rounded-lg file:border-0 file:bg-zinc-100 file:px-3 file:py-1.5 file:text-sm file:font-medium dark:text-zinc-300 dark:file:bg-zinc-800 dark:file:text-zinc-100" />
      </div>
      {fileError ? <p className="mt-2 text-sm text-red-700 dark:text-red-400">{fileError}</p> : null}
      <div className="mt-4 flex flex-wrap items-center gap-2">
        <Button onClick={() => run.mutate(rows)} disabled={rows.length === 0 || run.isPending}>
          {run.isPending ? 'Creating…' : `Create ${fmt(rows.length)} ${rows.length === 1 ? 'link' : 'links'}`}
        </Button>
        <Button variant="ghost" onClick={onClose}>Close</Button>
      </div>
      {run.isError ? <div className="mt-3"><ErrorState error={run.error} /></div> : null}
      {results ? (
        <div className="mt-4">
          <p role="status" className="mb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
            {fmt(created)} created, {fmt(results.length - created)} failed
          </p>
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800" aria-label="Import results">
            {results.map((r) => (
              <li key={r.line} className="flex flex-col gap-0.5 px-3 py-2 sm:flex-row sm:gap-3">
                <span className="shrink-0 text-xs text-zinc-600 sm:w-16 dark:text-zinc-400">Line {fmt(r.line)}</span>
                <span className="min-w-0 flex-1 truncate text-zinc-700 dark:text-zinc-300" title={r.url}>{r.url || '(no URL)'}</span>
                <span className={cx('min-w-0 break-words sm:w-1/2', r.error ? 'text-red-700 dark:text-red-400' : 'text-emerald-800 dark:text-emerald-300')}>
                  {r.error ? `Error: ${r.error}` : <a href={r.shortUrl} target="_blank" rel="noreferrer" className="underline">{r.shortUrl}</a>}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  )
}
