// Admin: every account, searchable and paged; set a plan, block and unblock (with confirmation).
// Only for role ADMIN: anyone else gets a "not allowed" state (the API refuses them too).
import { useEffect, useState } from 'react'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Search, ShieldAlert } from 'lucide-react'
import { api, fmt, unwrap } from './api'
import { useMe } from './session'
import { ConfirmDialog } from './confirm'
import { Button, Card, Empty, ErrorState, Loading, PageHeader, cx } from './ui'

const SIZE = 20

type AdminUser = NonNullable<Awaited<ReturnType<ReturnType<typeof api.v1.admin.users>['patch']>>['data']>['data']

export function Admin() {
  const me = useMe()
  if (me.data?.role !== 'ADMIN') {
    return (
      <>
        <PageHeader title="Admin" />
        <Card>
          <div role="alert" className="flex flex-col items-center gap-2 py-8 text-center">
            <ShieldAlert className="size-6 text-zinc-500" aria-hidden />
            <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Not allowed</p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Only administrators can manage accounts.</p>
          </div>
        </Card>
      </>
    )
  }
  return <Users selfId={me.data.id} />
}

function Users({ selfId }: { selfId: string }) {
  const [typed, setTyped] = useState('')
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  useEffect(() => {
    const t = setTimeout(() => { setSearch(typed.trim()); setPage(0) }, 300)
    return () => clearTimeout(t)
  }, [typed])
  const list = useQuery({
    queryKey: ['admin-users', search, page],
    queryFn: () => unwrap(api.v1.admin.users.get({ query: { page, size: SIZE, ...(search ? { search } : {}) } })),
    placeholderData: keepPreviousData,
  })
  const plans = useQuery({ queryKey: ['plans'], queryFn: () => unwrap(api.v1.plans.get()), staleTime: Infinity })
  const data = list.data?.data
  return (
    <>
      <PageHeader title="Admin" />
      <Card title="Users" action={data ? <span className="text-xs text-zinc-600 dark:text-zinc-400">{fmt(data.total)} in all</span> : null}>
        <div className="mb-4 flex items-center gap-2">
          <label htmlFor="admin-search" className="sr-only">Search users</label>
          <div className="relative w-full sm:max-w-sm">
            <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-zinc-500" aria-hidden />
            <input id="admin-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Search by email or name"
              className="w-full rounded-lg border border-zinc-300 bg-white py-2 pl-9 pr-3 text-sm text-zinc-900 placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400" />
          </div>
        </div>
        {list.isPending ? <Loading /> : list.isError ? <ErrorState error={list.error} retry={() => list.refetch()} />
          : !data || data.content.length === 0 ? <Empty title={search ? 'No user matches' : 'No users yet'}>{search ? 'Try another part of the email or name.' : null}</Empty>
            : (
              <>
                <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-busy={list.isFetching}>
                  {data.content.map((u) => <UserRow key={u.id} user={u} self={u.id === selfId} plans={plans.data?.data.plans.map((p) => p.name) ?? [u.plan]} />)}
                </ul>
                <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm">
                  <Button variant="secondary" onClick={() => setPage((p) => p - 1)} disabled={page === 0}>Previous</Button>
                  <span className="text-zinc-600 dark:text-zinc-400">Page {fmt(page + 1)} of {fmt(Math.max(1, data.totalPages))}</span>
                  <Button variant="secondary" onClick={() => setPage((p) => p + 1)} disabled={page + 1 >= data.totalPages}>Next</Button>
                </nav>
              </>
            )}
      </Card>
    </>
  )
}

function UserRow({ user, self, plans }: { user: AdminUser; self: boolean; plans: string[] }) {
  const client = useQueryClient()
  const [confirming, setConfirming] = useState(false)
  const update = useMutation({
    mutationFn: (body: { plan?: string; blocked?: boolean }) => unwrap(api.v1.admin.users({ id: user.id }).patch(body)),
    onSuccess: async () => {
      setConfirming(false)
      await client.invalidateQueries({ queryKey: ['admin-users'] })
      if (self) await client.invalidateQueries({ queryKey: ['me'] })
    },
  })
  const planId = `plan-${user.id}`
  return (
    <li className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center">
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" title={user.email}>{user.email}</p>
        <p className="flex flex-wrap gap-x-2 text-xs text-zinc-600 dark:text-zinc-400">
          <span>{user.name ?? 'No name'}</span>
          <span>· {user.role === 'ADMIN' ? 'Administrator' : 'User'}</span>
          <span>· since {new Date(user.createdAt).toLocaleDateString()}</span>
          {user.blocked ? <span className="font-medium text-red-700 dark:text-red-400">· Blocked</span> : null}
        </p>
        {update.isError && !confirming ? <div className="mt-2"><ErrorState error={update.error} /></div> : null}
      </div>
      <div className="flex items-center gap-2">
        <label htmlFor={planId} className="sr-only">Plan of {user.email}</label>
        <select id={planId} value={user.plan} disabled={update.isPending} onChange={(e) => update.mutate({ plan: e.target.value })}
          className="rounded-lg border border-zinc-300 bg-white px-2.5 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          {(plans.includes(user.plan) ? plans : [user.plan, ...plans]).map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        {self ? null : (
          <Button variant="secondary" onClick={() => { update.reset(); setConfirming(true) }}
            className={cx(user.blocked ? '' : 'text-red-700 dark:text-red-400')} aria-label={`${user.blocked ? 'Unblock' : 'Block'} ${user.email}`}>
            {user.blocked ? 'Unblock' : 'Block'}
          </Button>
        )}
      </div>
      <ConfirmDialog open={confirming} title={user.blocked ? 'Unblock this account?' : 'Block this account?'}
        confirmLabel={user.blocked ? 'Unblock' : 'Block'} danger={!user.blocked} pending={update.isPending} error={update.error}
        onConfirm={() => update.mutate({ blocked: !user.blocked })} onClose={() => setConfirming(false)}>
        <p><span className="break-all font-medium">{user.email}</span>{user.blocked
          ? ' can sign in and use their API keys again.'
          : ' can no longer sign in, and their API keys and sessions are refused.'}</p>
      </ConfirmDialog>
    </li>
  )
}
