// Webhooks: register an endpoint (its secret shown once), change it, switch it on and off, send a
// test and read its answer, its deliveries (filtered, paged, failed ones retried), rotate the
// secret, delete; and the code a receiver runs to verify a signature.
import { useId, useState, type FormEvent } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { KeyRound, ListChecks, Pencil, Plus, Power, RotateCw, Send, Trash2 } from 'lucide-react'
import type { EventType } from '../src/events/outbox'
import { api, ApiError, fieldError, fmt, formError, unwrap } from './api'
import { Button, Card, Empty, ErrorState, Field, Loading, PageHeader, cx } from './ui'
import { ConfirmDialog, DangerButton } from './confirm'
import { VERIFY_SNIPPET } from './webhook-snippet'
import { CopyButton, SecretOnce } from './copy'

/** Every event the API sends, in words (a Record: the compiler refuses a missing or unknown one). */
const EVENTS: Record<EventType, string> = {
  'link.created': 'A link was created',
  'link.clicked': 'A link was clicked',
  'link.expired': 'A link expired',
  'link.used': 'A single-use link was used',
  'link.deleted': 'A link was deleted',
  'link.disabled': 'A link was disabled',
  'plan.limit_warning': 'Usage is nearing a plan limit',
  'plan.limit_reached': 'Usage reached a plan limit',
  'subscription.created': 'A subscription started',
  'report.weekly': 'The weekly report',
  ping: 'Test events',
}
const EVENT_NAMES = Object.keys(EVENTS) as EventType[]
const DELIVERY_STATUSES = [['', 'All statuses'], ['SUCCESS', 'Succeeded'], ['FAILED', 'Failed'], ['PENDING', 'Pending']] as const
const DELIVERIES_PER_PAGE = 10

type Hook = NonNullable<Awaited<ReturnType<typeof api.v1.webhooks.get>>['data']>['data'][number]
type Input = { url: string; description: string | null; events: EventType[] }

const hookApi = (id: string) => api.v1.webhooks({ id })

export function Webhooks() {
  const q = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.v1.webhooks.get()) })
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null)
  return (
    <>
      <PageHeader title="Webhooks">
        <Button onClick={() => setCreating((c) => !c)} aria-expanded={creating}><Plus className="size-4" aria-hidden />New webhook</Button>
      </PageHeader>
      <div className="flex min-w-0 flex-col gap-4">
        {creating ? <CreateWebhook onDone={(made) => { setCreating(false); if (made) setCreated(made) }} /> : null}
        {created ? <SecretOnce title={`Signing secret of ${created.url}`} secret={created.secret} doneLabel="I have saved it" onDone={() => setCreated(null)}>{RECEIVER_NEEDS_IT}</SecretOnce> : null}
        {q.isPending ? <Card><Loading /></Card> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
          : q.data.data.length === 0
            ? <Card><Empty title="No webhooks yet">Add an endpoint with “New webhook” and Kurz will POST the events you pick to it.</Empty></Card>
            : <ul className="flex flex-col gap-4" aria-label="Webhook endpoints">{q.data.data.map((h) => <li key={h.id}><WebhookCard hook={h} /></li>)}</ul>}
        <VerifySignatures />
      </div>
    </>
  )
}

function CreateWebhook({ onDone }: { onDone: (made: { url: string; secret: string } | null) => void }) {
  const client = useQueryClient()
  const create = useMutation({
    mutationFn: (body: Input) => unwrap(api.v1.webhooks.post(body)),
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: ['webhooks'] })
      onDone({ url: r.data.url, secret: r.data.secret })
    },
  })
  return (
    <Card title="New webhook">
      <WebhookForm submitLabel="Add webhook" pendingLabel="Adding…" mutation={create} onCancel={() => onDone(null)} />
    </Card>
  )
}

/** The fields of an endpoint, for adding one and for changing one. */
function WebhookForm({ initial, submitLabel, pendingLabel, mutation, onCancel }: {
  initial?: Hook
  submitLabel: string
  pendingLabel: string
  mutation: { mutate: (input: Input) => void; isPending: boolean; error: unknown; reset: () => void }
  onCancel: () => void
}) {
  const id = useId()
  const [noEvents, setNoEvents] = useState(false)
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const f = new FormData(e.currentTarget)
    const events = f.getAll('events').map(String) as EventType[]
    setNoEvents(events.length === 0)
    if (events.length === 0) { mutation.reset(); return }
    const description = String(f.get('description') ?? '').trim()
    mutation.mutate({ url: String(f.get('url') ?? '').trim(), description: description || null, events })
  }
  const error = mutation.error
  const urlError = fieldError(error, 'url') ?? (error instanceof ApiError && error.code === 'INVALID_URL' ? error.message : null)
  const eventsError = noEvents ? 'Pick at least one event.' : fieldError(error, 'events') ?? (error instanceof ApiError && error.field?.startsWith('events.') ? error.message : null)
  const claimed = ['url', 'description', 'events']
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <Field id={`${id}-url`} label="Endpoint URL" name="url" type="url" required autoFocus placeholder="https://example.com/hooks/kurz"
        defaultValue={initial?.url} error={urlError} hint="Kurz sends a POST with a JSON body to this address." />
      <Field id={`${id}-description`} label="Description" name="description" maxLength={500} defaultValue={initial?.description ?? ''}
        hint="Optional." error={fieldError(error, 'description')} />
      <fieldset aria-describedby={eventsError ? `${id}-events-error` : undefined} className="min-w-0">
        <legend className="mb-1.5 text-sm font-medium text-zinc-800 dark:text-zinc-200">Events</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {EVENT_NAMES.map((name) => (
            <label key={name} className="flex min-w-0 items-start gap-2.5 rounded-lg border border-zinc-200 px-3 py-2 text-sm has-[:checked]:border-indigo-400 has-[:checked]:bg-indigo-50 dark:border-zinc-700 dark:has-[:checked]:border-indigo-500 dark:has-[:checked]:bg-indigo-950">
              <input type="checkbox" name="events" value={name} defaultChecked={initial?.events.includes(name)} className="mt-0.5 size-4 shrink-0 accent-indigo-600" />
              <span className="min-w-0">
                <span className="block font-mono text-xs break-all text-zinc-900 dark:text-zinc-100">{name}</span>
                <span className="block text-zinc-600 dark:text-zinc-400">{EVENTS[name]}</span>
              </span>
            </label>
          ))}
        </div>
        {eventsError ? <p id={`${id}-events-error`} className="mt-1.5 text-sm text-red-700 dark:text-red-400">{eventsError}</p> : null}
      </fieldset>
      {!urlError && !noEvents && formError(error, claimed) ? <ErrorState error={error} /> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={mutation.isPending}>{mutation.isPending ? pendingLabel : submitLabel}</Button>
        <Button type="button" variant="ghost" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  )
}

function WebhookCard({ hook }: { hook: Hook }) {
  const client = useQueryClient()
  const [editing, setEditing] = useState(false)
  const [showDeliveries, setShowDeliveries] = useState(false)
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | null>(null)
  const [newSecret, setNewSecret] = useState<string | null>(null)
  const refreshList = () => client.invalidateQueries({ queryKey: ['webhooks'] })
  const refreshDeliveries = () => client.invalidateQueries({ queryKey: ['webhook-deliveries', hook.id] })

  const update = useMutation({
    mutationFn: (body: Partial<Input> & { isActive?: boolean }) => unwrap(hookApi(hook.id).patch(body)),
    onSuccess: async () => { await refreshList(); setEditing(false) },
  })
  const test = useMutation({
    mutationFn: () => unwrap(hookApi(hook.id).test.post()),
    onSettled: () => refreshDeliveries(),
  })
  const rotate = useMutation({
    mutationFn: () => unwrap(hookApi(hook.id)['rotate-secret'].post()),
    onSuccess: (r) => { setNewSecret(r.data.secret); setConfirming(null) },
  })
  const remove = useMutation({
    mutationFn: () => unwrap(hookApi(hook.id).delete()),
    onSuccess: async () => { setConfirming(null); await refreshList() },
  })
  const closeDialog = () => { setConfirming(null); rotate.reset(); remove.reset() }
  const headingId = useId()

  return (
    <Card className="min-w-0">
      <article aria-labelledby={headingId} className="flex min-w-0 flex-col gap-3">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0 flex-1">
            <h2 id={headingId} className="font-mono text-sm font-medium break-all text-zinc-900 dark:text-zinc-50">{hook.url}</h2>
            {hook.description ? <p className="mt-0.5 text-sm break-words text-zinc-600 dark:text-zinc-400">{hook.description}</p> : null}
          </div>
          <span className={cx('shrink-0 rounded-full px-2 py-0.5 text-xs font-medium',
            hook.isActive ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300' : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300')}>
            {hook.isActive ? 'Active' : 'Disabled'}
          </span>
        </div>
        <ul className="flex flex-wrap gap-1.5" aria-label="Events">
          {hook.events.map((e) => <li key={e} className="rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">{e}</li>)}
        </ul>
        {hook.disabledReason ? <p className="text-sm text-amber-800 dark:text-amber-300">Turned off by Kurz: {hook.disabledReason}. Fix the endpoint, then enable it again.</p> : null}
        {hook.failureCount > 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">{fmt(hook.failureCount)} failed {hook.failureCount === 1 ? 'attempt' : 'attempts'} in a row</p> : null}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Added {new Date(hook.createdAt).toLocaleString()}</p>

        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => test.mutate()} disabled={test.isPending}><Send className="size-4" aria-hidden />{test.isPending ? 'Sending…' : 'Send test'}</Button>
          <Button variant="secondary" onClick={() => { update.reset(); setEditing((v) => !v) }} aria-expanded={editing}><Pencil className="size-4" aria-hidden />Edit</Button>
          <Button variant="secondary" onClick={() => update.mutate({ isActive: !hook.isActive })} disabled={update.isPending && !editing}>
            <Power className="size-4" aria-hidden />{hook.isActive ? 'Disable' : 'Enable'}
          </Button>
          <Button variant="secondary" onClick={() => setShowDeliveries((v) => !v)} aria-expanded={showDeliveries}><ListChecks className="size-4" aria-hidden />Deliveries</Button>
          <Button variant="secondary" onClick={() => setConfirming('rotate')}><KeyRound className="size-4" aria-hidden />Rotate secret</Button>
          <Button variant="ghost" onClick={() => setConfirming('delete')} className="text-red-700 dark:text-red-400"><Trash2 className="size-4" aria-hidden />Delete</Button>
        </div>
        {!editing && update.error ? <ErrorState error={update.error} /> : null}

        <div aria-live="polite">
          {test.data ? <TestAnswer answer={test.data.data} /> : test.error ? <ErrorState error={test.error} /> : null}
        </div>
        {newSecret ? <SecretOnce title="New signing secret" secret={newSecret} doneLabel="I have saved it" onDone={() => setNewSecret(null)}>{RECEIVER_NEEDS_IT}</SecretOnce> : null}
        {editing ? (
          <div className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-700">
            <h3 className="mb-3 text-sm font-semibold text-zinc-700 dark:text-zinc-300">Edit webhook</h3>
            <WebhookForm initial={hook} submitLabel="Save changes" pendingLabel="Saving…" mutation={update} onCancel={() => setEditing(false)} />
          </div>
        ) : null}
        {showDeliveries ? <Deliveries hookId={hook.id} /> : null}
      </article>

      <ConfirmDialog open={confirming === 'rotate'} title="Rotate the signing secret?" confirmLabel="Rotate secret"
        pending={rotate.isPending} error={rotate.error} onConfirm={() => rotate.mutate()} onClose={closeDialog}>
        A new secret signs every delivery from now on, and the current one stops working at once. Update your receiver with the new secret.
      </ConfirmDialog>
      <ConfirmDialog open={confirming === 'delete'} title="Delete this webhook?" confirmLabel="Delete webhook" danger
        pending={remove.isPending} error={remove.error} onConfirm={() => remove.mutate()} onClose={closeDialog}>
        <span className="break-all">{hook.url}</span> will receive no more events, and its delivery history is deleted with it.
      </ConfirmDialog>
    </Card>
  )
}

/** The endpoint's answer to a test: its status and how long it took, in words, and the start of its body as plain text. */
function TestAnswer({ answer }: { answer: { httpStatus: number | null; responseTime: number; message: string; responseBody: string | null } }) {
  const ok = answer.httpStatus !== null && answer.httpStatus >= 200 && answer.httpStatus < 300
  return (
    <div className={cx('rounded-lg border p-3 text-sm', ok
      ? 'border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
      : 'border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200')}>
      <p className="font-medium">Test answer: {answer.httpStatus === null ? 'no HTTP answer' : `HTTP ${answer.httpStatus}`} · {fmt(answer.responseTime)} ms</p>
      <p className="mt-0.5 break-words">{answer.message}</p>
      {answer.responseBody !== null && (
        <div className="mt-2">
          <p className="text-xs font-medium">Answer body</p>
          <pre tabIndex={0} aria-label="Answer body" className="mt-1 max-h-48 overflow-auto focus-visible:outline-2 focus-visible:outline-offset-2 whitespace-pre-wrap break-words rounded border border-current/20 bg-white/60 p-2 font-mono text-xs dark:bg-black/30">
            {answer.responseBody === '' ? '(empty)' : answer.responseBody}
          </pre>
        </div>
      )}
    </div>
  )
}

function Deliveries({ hookId }: { hookId: string }) {
  const client = useQueryClient()
  const [status, setStatus] = useState<'' | 'SUCCESS' | 'FAILED' | 'PENDING'>('')
  const [page, setPage] = useState(0)
  const selectId = useId()
  const q = useQuery({
    queryKey: ['webhook-deliveries', hookId, status, page],
    queryFn: () => unwrap(hookApi(hookId).deliveries.get({ query: { page, size: DELIVERIES_PER_PAGE, ...(status ? { status } : {}) } })),
    placeholderData: keepPreviousData,
  })
  const retry = useMutation({
    mutationFn: (deliveryId: string) => unwrap(hookApi(hookId).deliveries({ deliveryId }).retry.post()),
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: ['webhook-deliveries', hookId] })
      await client.invalidateQueries({ queryKey: ['webhooks'] })
    },
  })
  const retried = retry.data?.data
  return (
    <section aria-label="Deliveries" className="rounded-lg border border-zinc-200 p-3 sm:p-4 dark:border-zinc-700">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-zinc-700 dark:text-zinc-300">Deliveries</h3>
        <div className="flex items-center gap-2">
          <label htmlFor={selectId} className="text-sm text-zinc-700 dark:text-zinc-300">Status</label>
          <select id={selectId} value={status} onChange={(e) => { setStatus(e.target.value as typeof status); setPage(0) }}
            className="rounded-lg border border-zinc-300 bg-white px-3 py-1.5 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
            {DELIVERY_STATUSES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </div>
      </div>
      <div aria-live="polite">
        {retry.error ? <div className="mb-3"><ErrorState error={retry.error} /></div>
          : retried ? <p className={cx('mb-3 text-sm', retried.status === 'SUCCESS' ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-700 dark:text-red-400')}>
            Retried: {retried.status === 'SUCCESS' ? 'delivered' : 'failed again'}{retried.httpStatus !== null ? ` (HTTP ${retried.httpStatus})` : ''}.
          </p> : null}
      </div>
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} />
        : q.data.data.content.length === 0
          ? <Empty title={status ? 'No delivery with this status' : 'No deliveries yet'}>{status ? 'Pick another status.' : 'Events you subscribed to, and tests, show here.'}</Empty>
          : (
            <>
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {q.data.data.content.map((d) => (
                  <li key={d.id} className="flex flex-wrap items-start justify-between gap-2 py-2.5 text-sm">
                    <div className="min-w-0 flex-1">
                      <div className="flex flex-wrap items-center gap-2">
                        <span className="font-mono text-xs text-zinc-900 dark:text-zinc-100">{d.eventType}</span>
                        <DeliveryBadge status={d.status} />
                      </div>
                      <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">
                        {d.httpStatus !== null ? `HTTP ${d.httpStatus}` : 'No HTTP answer'}
                        {d.responseTime !== null ? ` · ${fmt(d.responseTime)} ms` : ''}
                        {` · ${fmt(d.attemptCount)} ${d.attemptCount === 1 ? 'attempt' : 'attempts'}`}
                        {' · '}<time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
                      </p>
                      {d.error ? <p className="mt-0.5 break-words text-red-700 dark:text-red-400">{d.error}</p> : null}
                      {d.status === 'PENDING' && d.nextAttemptAt ? <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">Next attempt {new Date(d.nextAttemptAt).toLocaleString()}</p> : null}
                    </div>
                    {d.status !== 'SUCCESS' ? (
                      <Button variant="secondary" onClick={() => retry.mutate(d.id)} disabled={retry.isPending}
                        aria-label={`Retry ${d.eventType} delivery of ${new Date(d.createdAt).toLocaleString()}`}>
                        <RotateCw className={cx('size-4', retry.isPending && retry.variables === d.id && 'animate-spin')} aria-hidden />Retry
                      </Button>
                    ) : null}
                  </li>
                ))}
              </ul>
              <nav aria-label="Delivery pages" className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600 dark:text-zinc-400">
                <span>{fmt(q.data.data.total)} {q.data.data.total === 1 ? 'delivery' : 'deliveries'} · page {fmt(page + 1)} of {fmt(Math.max(1, q.data.data.totalPages))}</span>
                {q.data.data.totalPages > 1 || page > 0 ? (
                  <div className="flex gap-2">
                    <Button variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</Button>
                    <Button variant="secondary" disabled={page + 1 >= q.data.data.totalPages} onClick={() => setPage(page + 1)}>Next</Button>
                  </div>
                ) : null}
              </nav>
            </>
          )}
    </section>
  )
}

function DeliveryBadge({ status }: { status: 'SUCCESS' | 'FAILED' | 'PENDING' }) {
  const [label, look] = {
    SUCCESS: ['Succeeded', 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'],
    FAILED: ['Failed', 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300'],
    PENDING: ['Pending', 'bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300'],
  }[status]
  return <span className={cx('rounded-full px-2 py-0.5 text-xs font-medium', look)}>{label}</span>
}

const RECEIVER_NEEDS_IT = <p className="mt-2 text-sm text-amber-900 dark:text-amber-200">Your receiver needs it to verify signatures: it is shown only this once.</p>

function VerifySignatures() {
  return (
    <Card title="Verify signatures">
      <div className="flex min-w-0 flex-col gap-3 text-sm text-zinc-700 dark:text-zinc-300">
        <p>
          Each delivery is a <code className="font-mono">POST</code> with a JSON body <code className="font-mono">{'{ id, event, timestamp, data }'}</code> and
          the headers <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code> and <code className="font-mono">webhook-signature</code> (Standard
          Webhooks), plus <code className="font-mono">x-webhook-event</code> naming the event. Check the signature over the raw body before you trust it:
        </p>
        {/* contain: the code scrolls inside its box instead of widening the page. */}
        <div className="[contain:inline-size]">
          <pre tabIndex={0} aria-label="Signature check in TypeScript for Node.js" className="overflow-x-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100"><code>{VERIFY_SNIPPET}</code></pre>
        </div>
        <div className="flex flex-wrap gap-2"><CopyButton text={VERIFY_SNIPPET} label="Copy code" /></div>
      </div>
    </Card>
  )
}
