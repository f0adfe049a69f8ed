// Custom domains: add one, the exact TXT record to publish, verify (with what DNS answered when
// the record is not there yet), and delete with the links it renamed listed.
import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { CheckCircle2, Clock, Globe, Plus, ShieldCheck, Trash2, X } from 'lucide-react'
import { api, ApiError, fmt, unwrap } from './api'
import { ConfirmDialog } from './confirm'
import { Code, CopyButton } from './copy'
import { OneFieldForm } from './one-field-form'
import { When } from './time'
import { Button, Card, Empty, ErrorState, Loading, PageHeader } from './ui'

type Domain = NonNullable<Awaited<ReturnType<typeof api.v1.domains.get>>['data']>['data'][number]
type Deleted = NonNullable<Awaited<ReturnType<ReturnType<typeof api.v1.domains>['delete']>>['data']> & { hostname: string }
/** What the resolver found at one name: the TXT strings, or the lookup's error code. */
type Finding = { name: string; records: string[]; error?: string }

const DOMAINS = ['domains']

/** A failed verification, with the records DNS gave (from the error envelope's `found`). */
class NotVerified extends ApiError {
  constructor(e: ApiError, readonly found: Finding[]) {
    super(e.status, e.code, e.message, e.field)
  }
}

async function verify(id: string) {
  const call = api.v1.domains({ id }).verify.post()
  try {
    return await unwrap(call)
  } catch (e) {
    const answer = await call.catch(() => null)
    const found = (answer?.error?.value as { error?: { found?: unknown } } | undefined)?.error?.found
    throw e instanceof ApiError && Array.isArray(found) ? new NotVerified(e, found.filter(isFinding)) : e
  }
}

const isFinding = (f: unknown): f is Finding =>
  !!f && typeof f === 'object' && typeof (f as Finding).name === 'string' && Array.isArray((f as Finding).records)

export function Domains() {
  const client = useQueryClient()
  const q = useQuery({ queryKey: DOMAINS, queryFn: () => unwrap(api.v1.domains.get()) })
  const [adding, setAdding] = useState(false)
  const [asked, setAsked] = useState<Domain | null>(null)
  const [deleted, setDeleted] = useState<Deleted | null>(null)
  const remove = useMutation({
    mutationFn: (d: Domain) => unwrap(api.v1.domains({ id: d.id }).delete()).then((r) => ({ ...r, hostname: d.hostname })),
    onSuccess: async (r) => {
      setAsked(null)
      setDeleted(r)
      await client.invalidateQueries({ queryKey: DOMAINS })
      await client.invalidateQueries({ queryKey: ['links'] })
    },
  })
  const domains = q.data?.data ?? []
  return (
    <>
      <PageHeader title="Domains">
        <Button onClick={() => setAdding((a) => !a)} aria-expanded={adding}><Plus className="size-4" aria-hidden />Add domain</Button>
      </PageHeader>
      {deleted ? <DeletedPanel result={deleted} onDone={() => setDeleted(null)} /> : null}
      {adding ? <AddDomain onAdded={() => { setAdding(false); setDeleted(null) }} onCancel={() => setAdding(false)} /> : null}
      {q.isPending ? <Card><Loading label="Loading domains…" /></Card>
        : q.isError ? <Card><ErrorState error={q.error} retry={() => q.refetch()} /></Card>
        : domains.length === 0 ? (
          <Card>
            <Empty title="No custom domains yet">
              Short links on your own domain, like <Code>go.example.com/sale</Code>: add the domain, publish one DNS record, verify.
            </Empty>
          </Card>
        ) : (
          <ul className="flex flex-col gap-4" aria-label="Domains">
            {domains.map((d) => <DomainItem key={d.id} d={d} onDelete={() => { remove.reset(); setAsked(d) }} />)}
          </ul>
        )}
      <ConfirmDialog open={!!asked} title={asked ? `Delete ${asked.hostname}?` : ''} confirmLabel="Delete domain" danger
        pending={remove.isPending} error={remove.error} onClose={() => setAsked(null)} onConfirm={() => asked && remove.mutate(asked)}>
        Its links move to the default domain and keep working there. A link whose slug is already taken on the default
        domain gets a new slug (a short suffix); you will see which. Short URLs on {asked?.hostname} stop working.
      </ConfirmDialog>
    </>
  )
}

function AddDomain({ onAdded, onCancel }: { onAdded: () => void; onCancel: () => void }) {
  const client = useQueryClient()
  const add = useMutation({
    mutationFn: (hostname: string) => unwrap(api.v1.domains.post({ hostname })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: DOMAINS })
      onAdded()
    },
  })
  return (
    <OneFieldForm title="Add a domain" submitLabel="Add domain" pendingLabel="Adding…" pending={add.isPending} error={add.error}
      onSubmit={(hostname) => add.mutate(hostname)} onCancel={onCancel}
      field={{ label: 'Hostname', name: 'hostname', maxLength: 253, placeholder: 'go.example.com', autoCapitalize: 'none', spellCheck: false,
        hint: 'A domain or subdomain you control, without https:// or a path. Paid plans only.' }} />
  )
}

function DomainItem({ d, onDelete }: { d: Domain; onDelete: () => void }) {
  const client = useQueryClient()
  const check = useMutation({
    mutationFn: () => verify(d.id),
    onSuccess: () => client.invalidateQueries({ queryKey: DOMAINS }),
  })
  const [apex, sub] = d.verificationRecords
  return (
    <li>
      <Card>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <h2 className="flex items-center gap-2 font-semibold break-all text-zinc-900 dark:text-zinc-50"><Globe className="size-4 shrink-0 text-zinc-500" aria-hidden />{d.hostname}</h2>
            <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-zinc-600 dark:text-zinc-400">
              <Status verified={d.isVerified} />
              <span>Added <When iso={d.createdAt} mode="date" /></span>
              {d.verifiedAt ? <><span aria-hidden>·</span><span>verified <When iso={d.verifiedAt} /></span></> : null}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            {d.isVerified ? null : (
              <Button onClick={() => check.mutate()} disabled={check.isPending} aria-label={`Verify ${d.hostname}`}>
                <ShieldCheck className="size-4" aria-hidden />{check.isPending ? 'Checking DNS…' : 'Verify'}
              </Button>
            )}
            <Button variant="secondary" onClick={onDelete} aria-label={`Delete ${d.hostname}`} className="text-red-700 dark:text-red-400"><Trash2 className="size-4" aria-hidden />Delete</Button>
          </div>
        </div>
        {d.isVerified ? (
          <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">Links created with the domain <Code>{d.hostname}</Code> answer on it. Point its address (A/AAAA or CNAME) at this server.</p>
        ) : (
          <div className="mt-4">
            <p className="text-sm text-zinc-700 dark:text-zinc-300">Publish this TXT record at your DNS provider, then press Verify. DNS changes can take a few minutes to show.</p>
            <Record name={sub} value={d.verificationToken} />
            <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">The same record at <Code>{apex}</Code> itself works too.</p>
            {check.error ? <VerifyFailed error={check.error} /> : null}
          </div>
        )}
      </Card>
    </li>
  )
}

function Status({ verified }: { verified: boolean }) {
  return verified
    ? <span className="inline-flex items-center gap-1 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"><CheckCircle2 className="size-3.5" aria-hidden />Verified</span>
    : <span className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200"><Clock className="size-3.5" aria-hidden />Pending verification</span>
}

/** The record as a DNS provider's form asks for it: name, type, value; each copyable. */
function Record({ name, value }: { name: string; value: string }) {
  const rows: [string, string, boolean][] = [['Name', name, true], ['Type', 'TXT', false], ['Value', value, true]]
  return (
    <dl className="mt-3 grid grid-cols-[4rem_minmax(0,1fr)] items-center gap-x-3 gap-y-2 rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      {rows.map(([label, text, copy]) => (
        <div key={label} className="contents">
          <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
          <dd className="flex min-w-0 items-center gap-1">
            <Code className="min-w-0">{text}</Code>
            {copy ? <CopyButton text={text} what={`record ${label.toLowerCase()}`} /> : null}
          </dd>
        </div>
      ))}
    </dl>
  )
}

function VerifyFailed({ error }: { error: unknown }) {
  const found = error instanceof NotVerified ? error.found : null
  return (
    <div className="mt-3 flex flex-col gap-2 [overflow-wrap:anywhere]">
      <ErrorState error={error} />
      {found ? (
        <div className="rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
          <h3 className="font-medium text-zinc-800 dark:text-zinc-200">What DNS answered</h3>
          <ul className="mt-2 flex flex-col gap-2">
            {found.map((f) => (
              <li key={f.name} className="min-w-0">
                <Code>{f.name}</Code>
                {f.error ? <span className="ml-2 text-zinc-700 dark:text-zinc-300">the look-up failed ({f.error}); try again shortly</span>
                  : f.records.length === 0 ? <span className="ml-2 text-zinc-700 dark:text-zinc-300">no TXT record</span>
                  : (
                    <ul className="mt-1 ml-4 list-disc text-zinc-700 dark:text-zinc-300" aria-label={`TXT records at ${f.name}`}>
                      {f.records.map((r, i) => <li key={i} className="break-all font-mono text-[13px]">{r}</li>)}
                    </ul>
                  )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  )
}

function DeletedPanel({ result, onDone }: { result: Deleted; onDone: () => void }) {
  const renamed = result.renamedLinks
  return (
    <section aria-labelledby="deleted-title" role="status" className="mb-4 rounded-xl border border-emerald-200 bg-emerald-50 p-4 sm:p-5 dark:border-emerald-900 dark:bg-emerald-950/50">
      <div className="flex items-start justify-between gap-2">
        <h2 id="deleted-title" className="min-w-0 text-sm font-semibold [overflow-wrap:anywhere] text-zinc-900 dark:text-zinc-50">
          {result.hostname} deleted: {fmt(result.movedLinks)} {result.movedLinks === 1 ? 'link' : 'links'} moved to the default domain
        </h2>
        <button type="button" onClick={onDone} aria-label="Dismiss" className="rounded p-1 text-zinc-600 hover:bg-emerald-100 dark:text-zinc-300 dark:hover:bg-emerald-900"><X className="size-4" aria-hidden /></button>
      </div>
      {renamed.length ? (
        <>
          <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
            {renamed.length === 1 ? 'This link had a slug already taken there and was renamed:' : `These ${fmt(renamed.length)} links had slugs already taken there and were renamed:`}
          </p>
          <ul className="mt-2 flex flex-col gap-1.5 text-sm" aria-label="Renamed links">
            {renamed.map((l) => (
              <li key={l.id} className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
                <span className="line-through decoration-zinc-500">{l.from}</span>
                <span aria-hidden>→</span><span className="sr-only">renamed to</span>
                <a href={l.shortUrl} target="_blank" rel="noreferrer" className="font-medium break-all text-indigo-700 hover:underline dark:text-indigo-400">{l.to}</a>
                <CopyButton text={l.shortUrl} />
              </li>
            ))}
          </ul>
        </>
      ) : result.movedLinks ? <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">Every link kept its slug.</p> : null}
    </section>
  )
}
