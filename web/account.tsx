// Account: who you are, your plan and this month's usage (GET /api/v1/me).
import { useQuery } from '@tanstack/react-query'
import { api, fmt, unwrap } from './api'
import { Card, ErrorState, Loading, PageHeader } from './ui'

export function Account() {
  const q = useQuery({ queryKey: ['me', 'full'], queryFn: () => unwrap(api.v1.me.get()) })
  return (
    <>
      <PageHeader title="Account" />
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : <AccountBody me={q.data.data} />}
    </>
  )
}

type Me = NonNullable<Awaited<ReturnType<typeof api.v1.me.get>>['data']>['data']

function AccountBody({ me }: { me: Me }) {
  const { plan, usage } = me
  const until = new Date(usage.periodEnd).toLocaleDateString()
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title="Profile">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-zinc-600 dark:text-zinc-400">Name</dt><dd>{me.name ?? '—'}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Email</dt><dd className="break-all">{me.email}{me.emailVerified ? '' : ' (not verified)'}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Role</dt><dd>{me.role === 'ADMIN' ? 'Administrator' : 'User'}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Two-factor</dt><dd>{me.twoFactorEnabled ? 'On' : 'Off'}</dd>
        </dl>
      </Card>
      <Card title={`Plan: ${plan.name}`}>
        <div className="flex flex-col gap-4">
          <Usage label="Links this month" used={usage.linksUsed} limit={plan.linkLimit} />
          <Usage label="Clicks this month" used={usage.clicksUsed} limit={plan.clickLimit} />
          <p className="text-xs text-zinc-600 dark:text-zinc-400">{fmt(plan.rateLimitPerMinute)} API requests a minute · the month ends {until}</p>
        </div>
      </Card>
    </div>
  )
}

function Usage({ label, used, limit }: { label: string; used: number; limit: number }) {
  return (
    <div>
      <div className="mb-1 flex justify-between text-sm"><span>{label}</span><span className="tabular-nums text-zinc-600 dark:text-zinc-400">{fmt(used)} / {fmt(limit)}</span></div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={Math.min(used, limit)}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className="h-full rounded-full bg-indigo-600 dark:bg-indigo-400" style={{ width: `${Math.min(100, (used / Math.max(1, limit)) * 100)}%` }} />
      </div>
    </div>
  )
}
