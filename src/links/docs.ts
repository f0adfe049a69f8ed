// What the OpenAPI document says of each links route: summary, description (plan limits, errors), security.
import { callerOperation as op } from '../docs/security'

const EXPIRY = 'Plan limits: `expiresIn` is clamped to the plan\'s longest expiry; `never` needs a plan that has it (403 FORBIDDEN).'
const UPDATE = 'Changes any of `originalUrl` (alias `url`), `customSlug` (alias `slug`), `title`, `payload` (typed links), `expiresIn`, '
  + '`singleUse`, `domain` (a verified domain of the caller; null or empty for the default) and `status` (ACTIVE or DISABLED) '
  + 'of one of the caller\'s links; fields left out are kept. A new destination reaches every redirecting instance within a second; '
  + 'after a new slug or domain the old short URL answers 404. '
  + `${EXPIRY} Typed-link payloads and custom domains need a plan that has them (403 FORBIDDEN). Errors: 400 VALIDATION_ERROR, `
  + 'INVALID_URL or INVALID_SLUG; 404 LINK_NOT_FOUND; 409 SLUG_ALREADY_EXISTS on that domain.'

export const docs = {
  create: op('Create a link',
    'Creates a short link to `originalUrl` (alias `url`), or a typed link (`kind` wifi, vcard or text, with its `payload`), under '
    + '`customSlug` (alias `slug`) or a generated slug (7+ unguessable characters), on the default or a verified custom `domain`. '
    + 'Answers the link and the month\'s usage. Plan limits: the monthly link limit (402 PLAN_LIMIT_EXCEEDED, with the next plan in '
    + '`recommend`); typed links, custom domains and `never` need a plan that has them (403 FORBIDDEN); `expiresIn` is clamped to the '
    + 'plan\'s longest expiry. Errors: 400 VALIDATION_ERROR, INVALID_URL (not an absolute http(s) URL, blocked, or a short URL of this '
    + 'service), INVALID_SLUG (characters, length, reserved); 409 SLUG_ALREADY_EXISTS on that domain. '
    + 'Smart links: `password` (url links; never returned, `hasPassword` instead), `maxClicks`, `expiredUrl` and `og` '
    + '(social preview tags); each invalid one is a 400 naming its field (password, maxClicks, expiredUrl, og.title, og.image, …).'),
  list: op('List your links',
    'The caller\'s links, newest first, paged by `page`,`size` or `limit`,`offset`. `search` matches slug, URL and title; `status` '
    + 'filters by status (ALL: every status). Errors: 400 VALIDATION_ERROR for a parameter out of range.'),
  bulk: op('Create many links',
    'Creates each item of `links` as POST /api/v1/links would. An item that fails is listed in `failed` with its index and error and '
    + 'never fails the others (the monthly link limit included). Plan limit: at most the plan\'s bulk size per request (400 '
    + 'VALIDATION_ERROR beyond it). Errors: 400 VALIDATION_ERROR.'),
  bulkAction: op('Delete, disable or enable many links',
    'Applies `action` to each of the caller\'s links named in `shortCodes`; codes that are not the caller\'s count as `failed`. '
    + 'Errors: 400 VALIDATION_ERROR.'),
  get: op('Get a link',
    'One of the caller\'s links by id or slug, with its all-time clicks by country, device and referrer. Errors: 404 '
    + 'LINK_NOT_FOUND (also for another account\'s link: existence is never revealed); 400 VALIDATION_ERROR.'),
  patch: op('Update a link', UPDATE),
  put: op('Update a link (as PATCH)', UPDATE),
  delete: op('Delete a link',
    'Deletes one of the caller\'s links and its analytics; its short URL answers 404 at once on every instance. Errors: 404 '
    + 'LINK_NOT_FOUND; 400 VALIDATION_ERROR.'),
}
