import { expect, test } from 'bun:test'
import { ADVISORY_LOCKS } from '../src/db/advisory-locks'

test('no two purposes share an advisory lock id', () => {
  const ids = Object.values(ADVISORY_LOCKS)
  expect(new Set(ids).size).toBe(ids.length)
})
