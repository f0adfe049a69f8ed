// The smart parts of a link's page: its tags, UTM values and routing rules in words, and the A/B
// test panel (clicks, visitors and share per variant from the ab-test API; goal conversions typed
// in give each variant's goal rate and p-value against A; "End test, keep X" after confirmation).
import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, fmt, unwrap } from './api'
import { Button, Card, ErrorState, Loading } from './ui'
import { ConfirmDialog } from './confirm'
import { TagChips, useTags } from './tags'

type Condition = { type: string; values?: string[]; at?: string; param?: string; equals?: string }
type SmartLink = {
  tagIds: string[]
  utm: Record<string, string | undefined> | null
  rules: { conditions: Condition[]; url: string }[] | null
  abTest: { variants: { url: string; weight: number }[] } | null
  hasPassword: boolean
  maxClicks: number | null
  clicksLeft: number | null
  expiredUrl: string | null
  og: { title?: string; description?: string; image?: string } | null
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 })
const CONDITION_LABEL: Record<string, string> = {
  country: 'country', city: 'city', device: 'device', os: 'OS', browser: 'browser', language: 'language', ip: 'address in',
}

function conditionText(c: Condition): string {
  if (c.type === 'after') return `from ${new Date(c.at ?? '').toLocaleString()}`
  if (c.type === 'before') return `until ${new Date(c.at ?? '').toLocaleString()}`
  if (c.type === 'query') return c.equals !== undefined ? `?${c.param}=${c.equals}` : `?${c.param} present`
  return `${CONDITION_LABEL[c.type] ?? c.type} ${(c.values ?? []).join(' or ')}`
}

export function SmartSummary({ link }: { link: SmartLink }) {
  const tags = useTags()
  const utm = Object.entries(link.utm ?? {}).filter(([, v]) => v)
  const rules = link.rules ?? []
  return (
    <Card title="Tags, UTM, routing and access" className="min-w-0">
      <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-zinc-600 dark:text-zinc-400">Password</dt>
        <dd>{link.hasPassword ? 'Yes: visitors enter it first' : 'None'}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Click limit</dt>
        <dd>{link.maxClicks === null ? 'None' : `${fmt(link.maxClicks)} (${fmt(link.clicksLeft ?? 0)} left)`}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">When expired or used up</dt>
        <dd className="min-w-0 break-all">{link.expiredUrl ? <a href={link.expiredUrl} target="_blank" rel="noreferrer noopener" className="text-indigo-700 hover:underline dark:text-indigo-400">{link.expiredUrl}</a> : 'A “gone” page'}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Social preview</dt>
        <dd className="min-w-0 break-words">{link.og ? <>
          {link.og.title ? <span className="block font-medium">{link.og.title}</span> : null}
          {link.og.description ? <span className="block text-zinc-700 dark:text-zinc-300">{link.og.description}</span> : null}
          {link.og.image ? <span className="block break-all text-xs text-zinc-600 dark:text-zinc-400">{link.og.image}</span> : null}
        </> : 'None'}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Tags</dt>
        <dd className="min-w-0">{link.tagIds.length ? <TagChips ids={link.tagIds} tags={tags.data} /> : 'None'}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">UTM</dt>
        <dd className="min-w-0 break-words">{utm.length ? utm.map(([k, v]) => <span key={k} className="mr-3 inline-block"><code>utm_{k}</code>={v}</span>) : 'None'}</dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Routing rules</dt>
        <dd className="min-w-0">
          {rules.length === 0 ? 'None' : (
            <ol className="list-decimal space-y-1 pl-5">
              {rules.map((r, i) => (
                <li key={i} className="break-words">
                  When {r.conditions.map(conditionText).join(' and ')} → <a href={r.url} target="_blank" rel="noreferrer noopener" className="break-all text-indigo-700 hover:underline dark:text-indigo-400">{r.url}</a>
                </li>
              ))}
            </ol>
          )}
        </dd>
      </dl>
    </Card>
  )
}

export function AbPanel({ slug }: { slug: string }) {
  const client = useQueryClient()
  const [typed, setTyped] = useState<Record<string, string>>({})
  const [conversions, setConversions] = useState('')
  const [winner, setWinner] = useState<string | null>(null)
  const route = api.v1.links({ idOrSlug: slug })['ab-test']
  const q = useQuery({
    queryKey: ['ab-test', slug, conversions],
    queryFn: () => unwrap(route.get({ query: conversions ? { conversions } : {} })),
  })
  const end = useMutation({
    mutationFn: (key: string) => unwrap(route.end.post({ winner: key as 'A' })),
    onSuccess: async () => {
      setWinner(null)
      await Promise.all([client.invalidateQueries({ queryKey: ['link-analytics', slug] }), client.invalidateQueries({ queryKey: ['links'] })])
    },
  })
  const compute = (e: FormEvent) => {
    e.preventDefault()
    setConversions(Object.entries(typed).filter(([, v]) => /^\d+$/.test(v.trim())).map(([k, v]) => `${k}:${v.trim()}`).join(','))
  }
  const cell = 'px-2 py-2 text-right tabular-nums'
  return (
    <Card title="A/B test" className="min-w-0">
      {q.isPending ? <Loading /> : q.isError ? <ErrorState error={q.error} retry={() => q.refetch()} /> : (
        <>
          <div className="relative overflow-x-auto">
            <table className="w-full min-w-[28rem] text-left text-sm">
              <thead className="border-b border-zinc-200 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
                <tr>
                  <th className="px-2 py-2 font-medium">Variant</th>
                  <th className="px-2 py-2 text-right font-medium">Weight</th>
                  <th className="px-2 py-2 text-right font-medium">Clicks</th>
                  <th className="px-2 py-2 text-right font-medium">Visitors</th>
                  <th className="px-2 py-2 text-right font-medium">Share</th>
                  {q.data.data.variants.some((v) => v.goalRate !== null) ? <><th className="px-2 py-2 text-right font-medium">Goal rate</th><th className="px-2 py-2 text-right font-medium">p-value</th></> : null}
                  <th className="px-2 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {q.data.data.variants.map((v) => (
                  <tr key={v.key}>
                    <td className="max-w-[14rem] px-2 py-2"><span className="font-semibold">{v.key}</span> <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={v.url}>{v.url}</span></td>
                    <td className={cell}>{percent.format(v.weight / 100)}</td>
                    <td className={cell}>{fmt(v.clicks)}</td>
                    <td className={cell}>{fmt(v.visitors)}</td>
                    <td className={cell}>{percent.format(v.share)}</td>
                    {q.data.data.variants.some((x) => x.goalRate !== null) ? <>
                      <td className={cell}>{v.goalRate === null ? '—' : percent.format(v.goalRate)}</td>
                      <td className={cell}>{v.pValue === null ? '—' : v.pValue.toLocaleString(undefined, { maximumSignificantDigits: 3 })}</td>
                    </> : null}
                    <td className="px-2 py-2 text-right"><Button variant="secondary" className="whitespace-nowrap px-2.5 py-1" onClick={() => { end.reset(); setWinner(v.key) }}>End test, keep {v.key}</Button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form onSubmit={compute} className="mt-4 flex flex-wrap items-end gap-2" aria-label="Goal conversions">
            <p className="basis-full text-xs text-zinc-600 dark:text-zinc-400">Goal conversions counted elsewhere (optional): each variant's goal rate, and its p-value against A.</p>
            {q.data.data.variants.map((v) => (
              <div key={v.key} className="flex w-32 flex-col gap-1">
                <label htmlFor={`ab-conv-${v.key}`} className="text-sm text-zinc-800 dark:text-zinc-200">{v.key} conversions</label>
                <input id={`ab-conv-${v.key}`} inputMode="numeric" value={typed[v.key] ?? ''} onChange={(e) => setTyped({ ...typed, [v.key]: e.target.value })}
                  className="w-full rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" />
              </div>
            ))}
            <Button type="submit" variant="secondary">Compare</Button>
          </form>
        </>
      )}
      <ConfirmDialog open={winner !== null} title={winner ? `End the test and keep variant ${winner}?` : ''} confirmLabel={winner ? `Keep ${winner}` : ''}
        pending={end.isPending} error={end.error} onClose={() => setWinner(null)} onConfirm={() => winner && end.mutate(winner)}>
        <p>Variant {winner}'s URL becomes the link's destination for every visitor, and the test ends. Its clicks stay in the analytics.</p>
      </ConfirmDialog>
    </Card>
  )
}

export type QrStyle = { fg: string; bg: string; margin: number; level: 'L' | 'M' | 'Q' | 'H'; size: number }
export const QR_DEFAULT: QrStyle = { fg: '#000000', bg: '#ffffff', margin: 4, level: 'M', size: 512 }
const clamp = (n: number, lo: number, hi: number, d: number) => Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.round(n))) : d

/** The QR API's style parameters (colours without their #). */
export const qrQuery = (s: QrStyle) => `fg=${s.fg.slice(1)}&bg=${s.bg.slice(1)}&margin=${s.margin}&level=${s.level}`

/** The QR code's colours, quiet zone, error correction and download size. */
export function QrOptions({ value: v, onChange }: { value: QrStyle; onChange: (s: QrStyle) => void }) {
  const label = 'text-sm text-zinc-800 dark:text-zinc-200'
  const input = 'w-full rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100'
  return (
    <details className="w-full rounded-lg border border-zinc-200 dark:border-zinc-800">
      <summary className="cursor-pointer rounded-lg px-3 py-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">QR options</summary>
      <div className="grid grid-cols-2 gap-2 border-t border-zinc-200 p-3 dark:border-zinc-800">
        <div className="flex flex-col gap-1"><label htmlFor="qr-fg" className={label}>Colour</label>
          <input id="qr-fg" type="color" value={v.fg} onChange={(e) => onChange({ ...v, fg: e.target.value })} className="h-9 w-full rounded-lg border border-zinc-300 p-1 dark:border-zinc-700" /></div>
        <div className="flex flex-col gap-1"><label htmlFor="qr-bg" className={label}>Background</label>
          <input id="qr-bg" type="color" value={v.bg} onChange={(e) => onChange({ ...v, bg: e.target.value })} className="h-9 w-full rounded-lg border border-zinc-300 p-1 dark:border-zinc-700" /></div>
        <div className="flex flex-col gap-1"><label htmlFor="qr-margin" className={label}>Margin</label>
          <input id="qr-margin" type="number" min={0} max={16} value={v.margin} onChange={(e) => onChange({ ...v, margin: clamp(Number(e.target.value), 0, 16, 4) })} className={input} /></div>
        <div className="flex flex-col gap-1"><label htmlFor="qr-level" className={label}>Error correction</label>
          <select id="qr-level" value={v.level} onChange={(e) => onChange({ ...v, level: e.target.value as QrStyle['level'] })} className={input}>
            <option value="L">Low (7 %)</option><option value="M">Medium (15 %)</option><option value="Q">Quartile (25 %)</option><option value="H">High (30 %)</option>
          </select></div>
        <div className="col-span-2 flex flex-col gap-1"><label htmlFor="qr-size" className={label}>Download size (pixels)</label>
          <select id="qr-size" value={v.size} onChange={(e) => onChange({ ...v, size: Number(e.target.value) })} className={input}>
            {[256, 512, 1024, 2048].map((n) => <option key={n} value={n}>{fmt(n)} × {fmt(n)}</option>)}
          </select></div>
      </div>
    </details>
  )
}
