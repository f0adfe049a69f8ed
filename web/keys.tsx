// API keys: create (the key shown once), the masked list with last use, per-key usage over 30 days,
// regenerate and delete with confirmation, and revoking every key at once.
import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { BarChart3, KeyRound, Plus, RefreshCw, ShieldAlert, Trash2 } from 'lucide-react'
import { api, fmt, unwrap } from './api'
import { ConfirmDialog, DangerButton } from './confirm'
import { Code, SecretOnce } from './copy'
import { OneFieldForm } from './one-field-form'
import { When } from './time'
import { Button, Card, Empty, ErrorState, Loading, PageHeader } from './ui'

type Key = NonNullable<Awaited<ReturnType<typeof api.v1.keys.get>>['data']>['data'][number]
type Shown = { title: string; key: string }
type Ask = { kind: 'regenerate' | 'delete'; key: Key } | { kind: 'revoke-all' } | null

const KEYS = ['keys']

export function Keys() {
  const client = useQueryClient()
  const q = useQuery({ queryKey: KEYS, queryFn: () => unwrap(api.v1.keys.get()) })
  const [creating, setCreating] = useState(false)
  // The one copy of a new key's value: page state, gone when the page is left.
  const [shown, setShown] = useState<Shown | null>(null)
  const [ask, setAsk] = useState<Ask>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const done = async (message?: string) => {
    setAsk(null)
    setNotice(message ?? null)
    await client.invalidateQueries({ queryKey: KEYS })
  }
  const act = useMutation({
    gcTime: 0,
    mutationFn: async (a: NonNullable<Ask>) => {
      if (a.kind === 'regenerate') {
        const r = await unwrap(api.v1.keys({ id: a.key.id }).regenerate.post())
        setShown({ title: `New value for “${r.data.name}”`, key: r.data.key })
        return done()
      }
      if (a.kind === 'delete') {
        await unwrap(api.v1.keys({ id: a.key.id }).delete())
        return done(`Key “${a.key.name}” deleted. Requests with it are refused from now on.`)
      }
      const r = await unwrap(api.v1.keys['revoke-all'].post())
      setShown(null)
      return done(`${fmt(r.data.revoked)} ${r.data.revoked === 1 ? 'key' : 'keys'} revoked.`)
    },
  })
  const open = (a: Ask) => { act.reset(); setAsk(a) }
  const keys = q.data?.data ?? []
  return (
    <>
      <PageHeader title="API keys">
        <Button onClick={() => setCreating((c) => !c)} aria-expanded={creating}><Plus className="size-4" aria-hidden />New key</Button>
      </PageHeader>
      {shown ? <SecretOnce title={shown.title} secret={shown.key} onDone={() => setShown(null)} /> : null}
      {notice ? <p role="status" className="mb-4 rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">{notice}</p> : null}
      {creating ? <CreateKey onCreated={(name, key) => { setCreating(false); setNotice(null); setShown({ title: `Your new key “${name}”`, key }) }} onCancel={() => setCreating(false)} /> : null}
      <Card>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Send a key as <Code className="whitespace-nowrap">Authorization: Bearer sk_live_…</Code> or <Code className="whitespace-nowrap">X-Api-Key</Code>. Each key has its own rate limit.
        </p>
        {q.isPending ? <Loading label="Loading keys…" /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
          : keys.length === 0 ? <Empty title="No API keys yet">Create one with “New key” to call the API from your code.</Empty>
          : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="API keys">
              {keys.map((k) => <KeyItem key={k.id} k={k} onRegenerate={() => open({ kind: 'regenerate', key: k })} onDelete={() => open({ kind: 'delete', key: k })} />)}
            </ul>
          )}
      </Card>
      {keys.length > 0 ? (
        <Card className="mt-4 border-red-200 dark:border-red-900">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <h2 className="flex items-center gap-2 text-sm font-semibold text-red-800 dark:text-red-300"><ShieldAlert className="size-4" aria-hidden />Revoke every key</h2>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">If a key may have leaked and you do not know which: every key stops working at once. Your dashboard session stays.</p>
            </div>
            <DangerButton className="shrink-0 whitespace-nowrap" onClick={() => open({ kind: 'revoke-all' })}>Revoke all keys</DangerButton>
          </div>
        </Card>
      ) : null}
      <ConfirmDialog open={ask?.kind === 'regenerate'} title={ask?.kind === 'regenerate' ? `Regenerate “${ask.key.name}”?` : ''}
        confirmLabel="Regenerate" danger pending={act.isPending} error={act.error} onClose={() => setAsk(null)} onConfirm={() => ask && act.mutate(ask)}>
        The key gets a new value, shown once. The current value stops working at once: update the programs that use it.
      </ConfirmDialog>
      <ConfirmDialog open={ask?.kind === 'delete'} title={ask?.kind === 'delete' ? `Delete “${ask.key.name}”?` : ''}
        confirmLabel="Delete key" danger pending={act.isPending} error={act.error} onClose={() => setAsk(null)} onConfirm={() => ask && act.mutate(ask)}>
        Requests with this key are refused from now on. This cannot be undone.
      </ConfirmDialog>
      <ConfirmDialog open={ask?.kind === 'revoke-all'} title="Revoke all API keys?"
        confirmLabel="Revoke all keys" danger pending={act.isPending} error={act.error} onClose={() => setAsk(null)} onConfirm={() => ask && act.mutate(ask)}>
        {keys.length === 1 ? 'Your one key stops' : `All ${fmt(keys.length)} keys stop`} working at once, on every server. This cannot be undone.
      </ConfirmDialog>
    </>
  )
}

function CreateKey({ onCreated, onCancel }: { onCreated: (name: string, key: string) => void; onCancel: () => void }) {
  const client = useQueryClient()
  const create = useMutation({
    // The answer holds the key: not kept in the mutation cache once the form is gone.
    gcTime: 0,
    mutationFn: (name: string) => unwrap(api.v1.keys.post({ name })),
    onSuccess: async (r) => {
      onCreated(r.data.name, r.data.key)
      await client.invalidateQueries({ queryKey: KEYS })
    },
  })
  return (
    <OneFieldForm title="New API key" submitLabel="Create key" pendingLabel="Creating…" pending={create.isPending} error={create.error}
      onSubmit={(name) => create.mutate(name)} onCancel={onCancel}
      field={{ label: 'Name', name: 'name', maxLength: 100, placeholder: 'e.g. Production server', hint: 'To tell your keys apart: where or by what it is used.' }} />
  )
}

function KeyItem({ k, onRegenerate, onDelete }: { k: Key; onRegenerate: () => void; onDelete: () => void }) {
  const [usage, setUsage] = useState(false)
  const usageId = `usage-${k.id}`
  return (
    <li className="py-3 first:pt-0 last:pb-0">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h3 className="flex min-w-0 items-center gap-2 font-medium text-zinc-900 [overflow-wrap:anywhere] dark:text-zinc-50">
              <KeyRound className="size-4 shrink-0 text-zinc-500" aria-hidden />{k.name}
            </h3>
            <Code>{k.keyPreview.replace('...', '…')}</Code>
          </div>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            {k.lastUsedAt ? <>Last used <When iso={k.lastUsedAt} /></> : 'Never used'} · Created <When iso={k.createdAt} mode="date" />
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setUsage((u) => !u)} aria-expanded={usage} aria-controls={usageId} aria-label={`Usage of ${k.name}`}>
            <BarChart3 className="size-4" aria-hidden />Usage
          </Button>
          <Button variant="secondary" onClick={onRegenerate} aria-label={`Regenerate ${k.name}`}><RefreshCw className="size-4" aria-hidden />Regenerate</Button>
          <Button variant="secondary" onClick={onDelete} aria-label={`Delete ${k.name}`} className="text-red-700 dark:text-red-400"><Trash2 className="size-4" aria-hidden />Delete</Button>
        </div>
      </div>
      {usage ? <div id={usageId} className="mt-3"><Usage id={k.id} name={k.name} /></div> : null}
    </li>
  )
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })

/** Requests a day over the last 30 days (UTC days, zero-filled by the API) and their total. A day
 * arrives as "YYYY-MM-DD" or, parsed by Eden, as a Date at UTC midnight: either reads the same. */
function Usage({ id, name }: { id: string; name: string }) {
  const q = useQuery({ queryKey: [...KEYS, id, 'usage'], queryFn: () => unwrap(api.v1.keys({ id }).usage.get()) })
  if (q.isPending) return <Loading label="Loading usage…" />
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />
  const { days, total } = q.data.data
  const max = Math.max(1, ...days.map((d) => d.requests))
  const busiest = days.reduce((a, d) => (d.requests > a.requests ? d : a), days[0])
  const day = (date: string | Date) => dayFormat.format(new Date(date))
  const summary = total === 0 ? `${name}: no requests in the last 30 days`
    : `${name}: ${fmt(total)} requests in the last 30 days, most on ${day(busiest.date)} (${fmt(busiest.requests)})`
  return (
    <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <p className="text-sm text-zinc-800 dark:text-zinc-200"><span className="text-lg font-semibold tabular-nums">{fmt(total)}</span> {total === 1 ? 'request' : 'requests'} in the last 30 days</p>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${days.length * 10} 40`} preserveAspectRatio="none" className="mt-2 h-14 w-full">
        {days.map((d, i) => {
          const h = d.requests ? Math.max(2, (d.requests / max) * 40) : 1
          return <rect key={i} x={i * 10 + 1} y={40 - h} width={8} height={h} rx={1}
            className={d.requests ? 'fill-indigo-600 dark:fill-indigo-400' : 'fill-zinc-200 dark:fill-zinc-700'}><title>{`${day(d.date)}: ${fmt(d.requests)}`}</title></rect>
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-zinc-600 dark:text-zinc-400"><span>{day(days[0].date)}</span><span>{day(days[days.length - 1].date)} (UTC days)</span></div>
    </div>
  )
}
