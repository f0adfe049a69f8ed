// The dashboard's entry: query client, router, and the page for the current path.
import { Component, StrictMode, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Construction } from 'lucide-react'
import './app.css'
import { ApiError } from './api'
import { RouterProvider, navigate, usePath } from './router'
import { useMe } from './session'
import { ForgotPassword, Register, ResetPassword, SignIn, VerifyEmail } from './auth'
import { NAV, Shell } from './shell'
import { Overview } from './overview'
import { Links } from './links'
import { Account } from './account'
import { Imports } from './imports'
import { Webhooks } from './webhooks'
import { LinkDetail } from './link-detail'
import { Keys } from './keys'
import { Domains } from './domains'
import { Tags } from './tags'
import { Admin } from './admin'
import { Card, ErrorState, Loading, PageHeader } from './ui'

const client = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, e) => n < 2 && !(e instanceof ApiError && e.status >= 400 && e.status < 500), refetchOnWindowFocus: false },
  },
})

const PUBLIC = new Set(['/app/login', '/app/register', '/app/forgot'])
/** Pages that work signed in or out (the link of a mail may open in a signed-in browser). */
const EITHER: Record<string, () => ReactNode> = { '/app/verify-email': () => <VerifyEmail />, '/app/reset': () => <ResetPassword /> }

function App() {
  const path = usePath().replace(/\/+$/, '') || '/app'
  const me = useMe()
  if (me.isPending) return <div className="p-6"><Loading /></div>
  if (me.isError) return <div className="p-6"><ErrorState error={me.error} retry={() => me.refetch()} /></div>
  if (EITHER[path]) return EITHER[path]()
  if (!me.data) {
    if (!PUBLIC.has(path)) { queueMicrotask(() => navigate('/app/login', true)); return null }
    if (path === '/app/forgot') return <ForgotPassword />
    return path === '/app/register' ? <Register /> : <SignIn />
  }
  if (PUBLIC.has(path)) { queueMicrotask(() => navigate('/app', true)); return null }
  return <Shell me={me.data}><Boundary key={path}><Page path={path} /></Boundary></Shell>
}

/** A page that fails to render says so in words, and the navigation stays usable. */
class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }
  static getDerivedStateFromError() { return { failed: true } }
  override render() { return this.state.failed ? <ErrorState error={null} retry={() => location.reload()} /> : this.props.children }
}

function Page({ path }: { path: string }) {
  if (path === '/app') return <Overview />
  if (path === '/app/links') return <Links />
  if (path === '/app/account') return <Account />
  if (path === '/app/import') return <Imports />
  if (path === '/app/webhooks') return <Webhooks />
  if (path.startsWith('/app/links/')) return <LinkDetail slug={decodeURIComponent(path.slice('/app/links/'.length))} />
  if (path === '/app/keys') return <Keys />
  if (path === '/app/domains') return <Domains />
  if (path === '/app/tags') return <Tags />
  if (path === '/app/admin') return <Admin />
  const item = [...NAV, { href: '/app/admin', label: 'Admin' }].find((n) => n.href === path)
  return (
    <>
      <PageHeader title={item?.label ?? 'Not found'} />
      <Card>
        <div className="flex flex-col items-center gap-2 py-8 text-center">
          <Construction className="size-6 text-zinc-500" aria-hidden />
          <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{item ? 'Coming soon' : 'There is no page here'}</p>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{item ? 'This page is not in the dashboard yet; the API has it already.' : 'Check the address, or pick a page from the menu.'}</p>
        </div>
      </Card>
    </>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider><App /></RouterProvider>
    </QueryClientProvider>
  </StrictMode>,
)
