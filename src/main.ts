// Boot: config → deps → bootstrap → server; SIGTERM stops accepting, flushes clicks, and exits.
import { basename } from 'node:path'
import { ConfigError, loadConfig } from './config'
import { closeDeps, createDeps } from './deps'
import { bootstrap } from './accounts/bootstrap'
import { startServer } from './server'
import { dashboardBundle } from './dashboard/build'
import { startScheduler } from './jobs/scheduler'
import { startWebhookDispatcher } from './webhooks/dispatcher'
import { databaseFailure } from './db/startup-failure'
import { preferWakeups } from './shared/thread-priority'
import { releaseCodePages } from './shared/code-pages'

let config
try {
  config = loadConfig()
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`kurz: configuration error: ${e.message}`)
    process.exit(1)
  }
  throw e
}

// This thread serves the redirects: it preempts background work soon after it wakes.
await preferWakeups()
const deps = await createDeps(config).catch((e) => {
  const line = databaseFailure(config, e)
  if (line === null) throw e
  console.error(`kurz: ${line}`)
  process.exit(1)
})
await bootstrap(deps)
// The dashboard is bundled before the port opens: the bundler's work on this thread (hundreds of
// milliseconds, more on a busy machine) would otherwise delay the first redirects.
await dashboardBundle()
// Code that only start-up ran (the embedded ClickHouse's, the runtime's bundler) leaves memory,
// before the port opens (the kernel's work takes tens of milliseconds); a page used again is read back.
if (deps.clickhouse?.engine === 'chdb') await releaseCodePages('libchdb.so')
await releaseCodePages(basename(process.execPath))
const running = await startServer(deps)
const stopScheduler = config.cronInternal ? startScheduler(deps) : async () => {}
const stopWebhooks = startWebhookDispatcher(deps)
deps.log.info('kurz listening', {
  url: running.url,
  baseUrl: config.baseUrl,
  postgres: deps.database.kind,
  redis: config.redisUrl ? 'server' : 'none (single instance)',
})

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  if (deps.lifecycle) deps.lifecycle.stopping = true
  deps.log.info('shutting down', { signal })
  const scheduled = stopScheduler()
  await running.stop()
  await scheduled
  await stopWebhooks()
  await closeDeps(deps)
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
