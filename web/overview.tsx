// Overview: totals, clicks over time for a chosen range, and the top lists.
import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { api, fmt, unwrap } from './api'
import { ClicksChart } from './chart'
import { Card, Empty, ErrorState, Loading, PageHeader, cx } from './ui'
import { Link } from './router'

const RANGES = [['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days'], ['all', 'All time']] as const
type Range = (typeof RANGES)[number][0]

export function Overview() {
  const [range, setRange] = useState<Range>('7d')
  const q = useQuery({ queryKey: ['overview', range], queryFn: () => unwrap(api.v1.analytics.overview.get({ query: { range } })) })
  return (
    <>
      <PageHeader title="Overview">
        <div role="group" aria-label="Range" className="inline-flex rounded-lg border border-zinc-300 bg-white p-0.5 dark:border-zinc-700 dark:bg-zinc-900">
          {RANGES.map(([value, label]) => (
            <button key={value} type="button" aria-pressed={range === value} onClick={() => setRange(value)}
              className={cx('rounded-md px-2.5 py-1 text-sm', range === value ? 'bg-indigo-600 text-white' : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800')}>{label}</button>
          ))}
        </div>
      </PageHeader>
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : <OverviewBody data={q.data.data} />}
    </>
  )
}

type Data = Awaited<ReturnType<typeof unwrap<Awaited<ReturnType<typeof api.v1.analytics.overview.get>>['data']>>>['data']

function OverviewBody({ data }: { data: Data }) {
  const s = data.summary
  const stats = [['Total clicks', s.totalClicks], ['Unique clicks', s.uniqueClicks], ['Links', s.totalLinks], ['Active links', s.activeLinks]] as const
  return (
    <div className="flex flex-col gap-4">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {stats.map(([label, value]) => (
          <div key={label} className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
            <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums text-zinc-900 dark:text-zinc-50">{fmt(value)}</dd>
          </div>
        ))}
      </dl>
      <Card title="Clicks over time">
        {s.totalLinks === 0 ? <Empty title="No links yet"><Link href="/app/links" className="font-medium text-indigo-700 underline dark:text-indigo-400">Create your first link</Link></Empty>
          : <ClicksChart points={data.clicksOverTime} />}
      </Card>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <TopList title="Top links" rows={data.topLinks.map((l) => ({ name: l.shortUrl.replace(/^https?:\/\//, ''), clicks: l.clicks }))} />
        <TopList title="Countries" rows={data.topCountries} />
        <TopList title="Devices" rows={data.topDevices} />
        <TopList title="Browsers" rows={data.topBrowsers} />
        <TopList title="Referrers" rows={data.topReferrers} />
      </div>
    </div>
  )
}

function TopList({ title, rows }: { title: string; rows: { name: string; clicks: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.clicks))
  return (
    <Card title={title}>
      {rows.length === 0 ? <p className="py-3 text-sm text-zinc-600 dark:text-zinc-400">No clicks in this range.</p> : (
        <ul className="flex flex-col gap-2">
          {rows.map((r) => (
            <li key={r.name} className="relative flex items-center justify-between gap-3 overflow-hidden rounded-md px-2 py-1.5 text-sm">
              <span aria-hidden className="absolute inset-y-0 left-0 bg-indigo-500/10" style={{ width: `${(r.clicks / max) * 100}%` }} />
              <span className="relative truncate text-zinc-800 dark:text-zinc-200">{r.name || 'Direct'}</span>
              <span className="relative tabular-nums text-zinc-600 dark:text-zinc-400">{fmt(r.clicks)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}
