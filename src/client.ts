// The server's routes as a type, for a typed client in browser code: `treaty<App>(origin)` from
// @elysiajs/eden. Importing this file brings in no server code (type-only).
export type { App } from './app'
import type { App } from './app'

/** Every route: path segments, then the method, with its body, query and responses. */
export type Routes = App['~Routes']
