// Overview: totals, clicks over time for a chosen range, the top lists and the world map, asked
// for again every few seconds while the tab is visible, so new clicks show without a reload.
import { useState } from 'react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from './api'
import { Empty, ErrorState, Loading, PageHeader } from './ui'
import { Link } from './router'
import { LIVE_MS, LiveBadge, Panels, RangePicker, Stats, type Range } from './analytics'
import { viewerZone } from './time'

export function Overview() {
  const [range, setRange] = useState<Range>('7d')
  const q = useQuery({
    queryKey: ['overview', range],
    queryFn: () => unwrap(api.v1.analytics.overview.get({ query: { range, tz: viewerZone } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  })
  return (
    <>
      <PageHeader title="Overview">
        <div className="flex flex-wrap items-center gap-3">
          {q.isSuccess ? <LiveBadge updatedAt={q.dataUpdatedAt} /> : null}
          <RangePicker value={range} onChange={setRange} />
        </div>
      </PageHeader>
      {q.isPending ? <Loading /> : q.isError && !q.data ? <ErrorState error={q.error} retry={() => q.refetch()} /> : <OverviewBody data={q.data!.data} />}
    </>
  )
}

type Data = Awaited<ReturnType<typeof unwrap<Awaited<ReturnType<typeof api.v1.analytics.overview.get>>['data']>>>['data']

function OverviewBody({ data }: { data: Data }) {
  const s = data.summary
  const stats = [['Total clicks', s.totalClicks], ['Unique clicks', s.uniqueClicks], ['Links', s.totalLinks], ['Active links', s.activeLinks]] as const
  return (
    <div className="flex flex-col gap-4">
      <Stats stats={stats} />
      {s.totalLinks === 0
        ? <Empty title="No links yet"><Link href="/app/links" className="font-medium text-indigo-700 underline dark:text-indigo-400">Create your first link</Link></Empty>
        : <Panels data={data} topLinks={data.topLinks.map((l) => ({ name: l.shortUrl.replace(/^https?:\/\//, ''), clicks: l.clicks, href: `/app/links/${encodeURIComponent(l.shortCode)}` }))} />}
    </div>
  )
}
