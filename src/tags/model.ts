// Request and response schemas of the tags API.
import { t } from 'elysia'
import { ok } from '../shared/envelope'

export const MAX_TAGS_PER_LINK = 20
export const MAX_TAGS_PER_ACCOUNT = 500

export const tagIds = t.Array(t.String({ minLength: 1, maxLength: 100 }), {
  maxItems: MAX_TAGS_PER_LINK, description: 'Ids of the caller\'s tags to put on the link (replaces its tags)', examples: [['tag_0a1b2c3d4e5f6g7h8i9j']],
})

const name = t.String({ minLength: 1, maxLength: 50, description: 'Unique per account', examples: ['launch'] })
const color = t.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour as #rrggbb', examples: ['#2563eb'] })

export const createTagBody = t.Object({ name, color: t.Optional(color) })
export const updateTagBody = t.Object({ name: t.Optional(name), color: t.Optional(color) })
export const tagIdParam = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })

export const tag = t.Object({
  id: t.String({ examples: ['tag_0a1b2c3d4e5f6g7h8i9j'] }),
  name: t.String({ examples: ['launch'] }),
  color: t.String({ examples: ['#2563eb'] }),
  links: t.Number({ description: 'How many of the caller\'s links have it' }),
  createdAt: t.String(),
})

export const responses = {
  one: ok(tag),
  list: ok(t.Array(tag)),
  deleted: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
}
