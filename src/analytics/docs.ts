// What the OpenAPI document says of each analytics route: summary, description (limits, errors), security.
import { callerOperation as op } from '../docs/security'

const RANGE = '`range` is 7d (default), 30d, 90d or all; `clicksOverTime` has one zero-filled row per day (UTC). Bot clicks are left '
  + 'out unless `bots=include`. Clicks past the plan\'s click limit are still counted.'

export const docs = {
  overview: op('Analytics of all your links',
    `Totals (clicks, unique visitors, links, active links), clicks per day, and the top 10 links, countries, cities, devices, browsers and referrers of the caller's links, and clicks by trigger (link or qr). ${RANGE} Errors: 400 VALIDATION_ERROR.`),
  link: op('Analytics of one link',
    `The link, its totals (clicks, unique visitors), clicks per day and its top 10 countries, cities, devices, browsers and referrers, and its clicks by trigger (link or qr: a scan of its QR code). ${RANGE} Errors: 404 LINK_NOT_FOUND (also for another account's link); 400 VALIDATION_ERROR.`),
  account: op('Your account by month',
    'Clicks and links created per month for the last 12 months, and the usage of the current billing month against the plan\'s limits. '
    + 'Bot clicks are left out unless `bots=include`. Errors: 400 VALIDATION_ERROR.'),
}
