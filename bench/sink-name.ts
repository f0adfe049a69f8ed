// Which click sink the app builds by default with the bench's environment: printed with the figures,
// since what the redirect records per click is part of what is measured.
import { loadConfig } from '../src/config'
import { closeDeps, createDeps } from '../src/deps'

const deps = await createDeps(loadConfig())
console.log(`SINK ${deps.clicks.constructor.name}`)
await closeDeps(deps)
process.exit(0)
