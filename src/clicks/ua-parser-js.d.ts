// The slice of ua-parser-js 1.x that enrich.ts uses (1.x ships no types; 2.x is AGPL).
declare module 'ua-parser-js' {
  type Named = { name?: string; version?: string }
  export type UAResult = {
    ua: string
    browser: Named & { major?: string }
    os: Named
    engine: Named
    device: { type?: string; vendor?: string; model?: string }
    cpu: { architecture?: string }
  }
  export default class UAParser {
    constructor(ua?: string)
    getResult(): UAResult
  }
}
