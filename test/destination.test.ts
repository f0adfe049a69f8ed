import { describe, expect, test } from 'bun:test'
import { checkDestination } from '../src/links/destination'
import { AppError } from '../src/errors'

const policy = {
  ownHosts: (host: string) => host === 'kurz.test',
  blocklist: ['blocked.example', 'malware.test'],
}

const refusal = (url: string) => {
  try {
    checkDestination(url, policy)
  } catch (e) {
    if (e instanceof AppError) return e.code
    throw e
  }
  return null
}

describe('destination safety', () => {
  test.each([
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    ['java\tscript:alert(1)'],
    ['java\nscript:alert(1)'],
    ['  javascript:alert(1)'],
    ['\u0000javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['DATA:text/html;base64,PHNjcmlwdD4='],
    ['file:///etc/passwd'],
    ['ftp://example.com/file'],
    ['vbscript:msgbox(1)'],
    ['mailto:a@example.com'],
    ['//example.com/no-scheme'],
    ['example.com/no-scheme'],
    ['http://'],
    ['https:example.com'],
    ['http:/example.com'],
    ['http://user:pass@example.com/'],
    ['https://user@example.com/'],
    ['https://kurz.test/loop'],
    ['https://KURZ.TEST./loop'],
    ['http://kurz.test:8080/loop'],
    ['https://blocked.example/x'],
    ['https://sub.blocked.example/x'],
    ['https://MALWARE.test/'],
    ['https://example.com/\r\nSet-Cookie: a=b'],
    ['https://example.com/%0d%0a'.replace('%0d%0a', '\r\n')],
    [''],
    ['   '],
    [`https://example.com/${'a'.repeat(9000)}`],
  ])('refuses %p with INVALID_URL', (url) => {
    expect(refusal(url)).toBe('INVALID_URL')
  })

  test.each([
    ['https://example.com', 'https://example.com/'],
    ['HTTPS://Example.COM/Path?Q=1#F', 'https://example.com/Path?Q=1#F'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://bücher.example/ü', 'https://xn--bcher-kva.example/%C3%BC'],
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['https://notblocked.example/', 'https://notblocked.example/'],
    ['https://kurz.test.evil.example/', 'https://kurz.test.evil.example/'],
    ['https://example.com/%0d%0a', 'https://example.com/%0d%0a'],
  ])('accepts %p as %p', (url, normalized) => {
    expect(checkDestination(url, policy)).toBe(normalized)
  })
})
