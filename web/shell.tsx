// The signed-in frame: navigation (a sidebar on desktop, a scrolling bar on phones) and sign-out.
import { useQueryClient } from '@tanstack/react-query'
import { BarChart3, FileUp, Globe, KeyRound, Link2, LogOut, Shield, Tags, UserRound, Webhook } from 'lucide-react'
import { Link, navigate, usePath } from './router'
import { signOut, type Me } from './session'
import { cx } from './ui'

export const NAV = [
  { href: '/app', label: 'Overview', icon: BarChart3 },
  { href: '/app/links', label: 'Links', icon: Link2 },
  { href: '/app/tags', label: 'Tags', icon: Tags },
  { href: '/app/import', label: 'Import & export', icon: FileUp },
  { href: '/app/keys', label: 'API keys', icon: KeyRound },
  { href: '/app/domains', label: 'Domains', icon: Globe },
  { href: '/app/webhooks', label: 'Webhooks', icon: Webhook },
  { href: '/app/account', label: 'Account', icon: UserRound },
]

export function Shell({ me, children }: { me: Me; children: React.ReactNode }) {
  const path = usePath()
  const client = useQueryClient()
  const items = me.role === 'ADMIN' ? [...NAV, { href: '/app/admin', label: 'Admin', icon: Shield }] : NAV
  const out = async () => {
    await signOut(client)
    navigate('/app/login', true)
  }
  return (
    <div className="min-h-dvh md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900">Skip to content</a>
      <header className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-dvh md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between px-4 py-3 md:py-5">
          <Link href="/app" className="flex items-center gap-2 rounded font-semibold text-zinc-900 dark:text-zinc-50">
            <Link2 className="size-5 text-indigo-600 dark:text-indigo-400" aria-hidden /> Kurz
          </Link>
          <button type="button" onClick={out} className="flex items-center gap-1.5 rounded-lg px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800">
            <LogOut className="size-4" aria-hidden /> Sign out
          </button>
        </div>
        <nav aria-label="Main" className="overflow-x-auto px-2 pb-2 md:flex-1 md:pb-0">
          <ul className="flex gap-1 md:flex-col">
            {items.map(({ href, label, icon: Icon }) => {
              const current = href === '/app' ? path === '/app' || path === '/app/' : path.startsWith(href)
              return (
                <li key={href}>
                  <Link href={href} aria-current={current ? 'page' : undefined}
                    className={cx('flex items-center gap-2.5 whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium',
                      current ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300' : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800')}>
                    <Icon className="size-4" aria-hidden /> {label}
                  </Link>
                </li>
              )
            })}
          </ul>
        </nav>
        <div className="hidden border-t border-zinc-200 p-3 md:block dark:border-zinc-800">
          <p className="truncate px-2 text-xs text-zinc-600 dark:text-zinc-400" title={me.email}>{me.email}</p>
          <button type="button" onClick={out} className="mt-2 flex w-full items-center gap-2 rounded-lg px-2 py-2 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
            <LogOut className="size-4" aria-hidden /> Sign out
          </button>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 md:py-8">{children}</main>
    </div>
  )
}
