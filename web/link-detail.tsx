// One link's page (/app/links/<slug>): its fields and short URL, its analytics as on the overview
// (asked for again every few seconds while visible), its QR code with downloads, and its status history.
import { useState } from 'react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { ArrowLeft, Check, Copy, Download } from 'lucide-react'
import { ApiError, api, fmt, unwrap } from './api'
import { Card, Empty, ErrorState, Loading, PageHeader, cx } from './ui'
import { Link } from './router'
import { StatusBadge } from './links'
import { AbPanel, QR_DEFAULT, QrOptions, SmartSummary, qrQuery, type QrStyle } from './link-smart'
import { LIVE_MS, LiveBadge, Panels, RangePicker, Stats, type Range } from './analytics'
import { viewerZone } from './time'

const dateTime = (iso: string | Date) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const title = (s: string) => s[0].toUpperCase() + s.slice(1).toLowerCase()

export function LinkDetail({ slug }: { slug: string }) {
  const [range, setRange] = useState<Range>('7d')
  const q = useQuery({
    queryKey: ['link-analytics', slug, range],
    queryFn: () => unwrap(api.v1.analytics.links({ shortCode: slug }).get({ query: { range, tz: viewerZone } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  })
  const back = <Link href="/app/links" className="inline-flex items-center gap-1 rounded text-sm text-indigo-700 hover:underline dark:text-indigo-400"><ArrowLeft className="size-4" aria-hidden />All links</Link>
  if (q.isPending) return <><div className="mb-3">{back}</div><PageHeader title="Link" /><Loading /></>
  if (q.isError && !q.data) {
    const missing = q.error instanceof ApiError && q.error.status === 404
    return (
      <>
        <div className="mb-3">{back}</div>
        <PageHeader title="Link" />
        {missing ? <Card><Empty title="There is no such link">It may have been deleted, or belong to another account.</Empty></Card>
          : <ErrorState error={q.error} retry={() => q.refetch()} />}
      </>
    )
  }
  const { link, summary } = q.data!.data
  return (
    <>
      <div className="mb-3">{back}</div>
      <PageHeader title={link.title || link.slug}>
        <div className="flex flex-wrap items-center gap-3">
          <LiveBadge updatedAt={q.dataUpdatedAt} />
          <RangePicker value={range} onChange={setRange} />
        </div>
      </PageHeader>
      <div className="flex flex-col gap-4">
        <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
          <Fields link={link} />
          <Qr slug={link.slug} />
        </div>
        <SmartSummary link={link} />
        {link.abTest ? <AbPanel slug={link.slug} /> : null}
        <Stats stats={[['Total clicks', summary.totalClicks], ['Unique clicks', summary.uniqueClicks]]} />
        <Panels data={q.data!.data} />
        <History slug={link.slug} />
      </div>
    </>
  )
}

type LinkData = NonNullable<Awaited<ReturnType<ReturnType<typeof api.v1.analytics.links>['get']>>['data']>['data']['link']

function Fields({ link }: { link: LinkData }) {
  const rows: [string, React.ReactNode][] = [
    ['Destination', link.originalUrl ? <a href={link.originalUrl} className="break-all text-indigo-700 hover:underline dark:text-indigo-400" rel="noreferrer noopener" target="_blank">{link.originalUrl}</a> : `${title(link.kind)} page`],
    ['Status', <StatusBadge key="s" status={link.status} />],
    ['Slug', link.slug],
    ...(link.domain ? [['Domain', link.domain] as [string, React.ReactNode]] : []),
    ['Kind', title(link.kind)],
    ['Single use', link.singleUse ? `Yes (${fmt(link.usedCount)} used)` : 'No'],
    ['Expires', link.expiresAt ? dateTime(link.expiresAt) : 'Never'],
    ['Created', dateTime(link.createdAt)],
    ['Updated', dateTime(link.updatedAt)],
    ['Made in', title(link.source)],
  ]
  return (
    <Card title="Link" className="min-w-0">
      <div className="mb-4 flex min-w-0 items-center gap-2 rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-950">
        <a href={link.shortUrl} className="min-w-0 truncate font-medium text-indigo-700 hover:underline dark:text-indigo-400" target="_blank" rel="noreferrer">{link.shortUrl}</a>
        <CopyShortUrl text={link.shortUrl} />
      </div>
      <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{k}</dt>
            <dd className="min-w-0 break-words text-zinc-900 dark:text-zinc-100">{v}</dd>
          </div>
        ))}
      </dl>
    </Card>
  )
}


function CopyShortUrl({ text }: { text: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    await navigator.clipboard?.writeText(text).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 1500)
  }
  return (
    <button type="button" onClick={copy} className="ml-auto inline-flex shrink-0 items-center gap-1 rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium text-zinc-800 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800">
      {copied ? <Check className="size-3.5 text-emerald-600" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
      {copied ? 'Copied' : 'Copy'}<span className="sr-only"> short URL</span>
      <span role="status" className="sr-only">{copied ? 'Copied to the clipboard' : ''}</span>
    </button>
  )
}

/** The QR code straight from the API (the session cookie rides along), previewed and downloadable. */
function Qr({ slug }: { slug: string }) {
  const [failed, setFailed] = useState(false)
  const [style, setStyle] = useState<QrStyle>(QR_DEFAULT)
  const src = (format: 'svg' | 'png', size = style.size) => `/api/v1/links/${encodeURIComponent(slug)}/qr?format=${format}&size=${size}&${qrQuery(style)}`
  const button = 'inline-flex items-center gap-1.5 rounded-lg border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800'
  return (
    <Card title="QR code" className="min-w-0">
      <div className="flex flex-col items-center gap-3">
        {failed ? <ErrorState error={null} retry={() => setFailed(false)} />
          : <img src={src('svg', 256)} alt={`QR code of the short URL of ${slug}`} width={192} height={192} onError={() => setFailed(true)}
            className="size-48 rounded-lg bg-white p-1" />}
        <div className="flex gap-2">
          <a href={src('svg')} download={`${slug}.svg`} className={button}><Download className="size-4" aria-hidden />SVG</a>
          <a href={src('png')} download={`${slug}.png`} className={button}><Download className="size-4" aria-hidden />PNG</a>
        </div>
        <QrOptions value={style} onChange={(s) => { setFailed(false); setStyle(s) }} />
      </div>
    </Card>
  )
}

const EVENT_LABEL = { created: 'Created', disabled: 'Disabled', expired: 'Expired', used: 'Used up' } as const
const REASON_LABEL: Record<string, string> = { manual: 'by hand', single_use: 'after its single use' }

function History({ slug }: { slug: string }) {
  const q = useQuery({ queryKey: ['link-history', slug], queryFn: () => unwrap(api.v1.links({ idOrSlug: slug }).history.get()) })
  return (
    <Card title="Status history">
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : q.data.data.entries.length === 0 ? <Empty title="No changes yet" /> : (
        <>
          <ol className="flex flex-col gap-3 border-l border-zinc-200 pl-4 dark:border-zinc-800">
            {q.data.data.entries.map((e, i) => (
              <li key={i} className="relative text-sm">
                <span aria-hidden className={cx('absolute -left-[21px] top-1.5 size-2.5 rounded-full', e.status === 'ACTIVE' ? 'bg-emerald-500' : 'bg-zinc-400')} />
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{EVENT_LABEL[e.event]}</span>
                {e.reason ? <span className="text-zinc-700 dark:text-zinc-300"> {REASON_LABEL[e.reason] ?? e.reason}</span> : null}
                <span className="text-zinc-600 dark:text-zinc-400"> · <time dateTime={e.at}>{dateTime(e.at)}</time></span>
              </li>
            ))}
          </ol>
          <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">Now: <StatusBadge status={q.data.data.status} /></p>
        </>
      )}
    </Card>
  )
}
