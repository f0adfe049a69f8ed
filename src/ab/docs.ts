// What the OpenAPI document says of the A/B test routes.
import { callerOperation as op } from '../docs/security'

export const docs = {
  results: op('A/B test results',
    'Per variant of the link\'s A/B test (all time): clicks, unique visitors and share of the test\'s clicks. With `conversions` '
    + '(`A:12,B:30`, the goal conversions counted elsewhere), each variant\'s goal rate (conversions / visitors) and the two-sided '
    + 'p-value of a two-proportion z-test against A. Errors: 400 VALIDATION_ERROR (more conversions than visitors); 404 '
    + 'LINK_NOT_FOUND, NOT_FOUND (no A/B test).'),
  end: op('End an A/B test',
    'Promotes the `winner` variant: its url becomes the link\'s originalUrl and the test is removed (its clicks stay in the '
    + 'analytics). Every redirecting instance follows within a second. Errors: 400 VALIDATION_ERROR; 404 LINK_NOT_FOUND, NOT_FOUND.'),
}
