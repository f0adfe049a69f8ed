// Routes of the webhooks API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import {
  createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, retryDelivery, rotateWebhookSecret,
  testWebhook, updateWebhook,
} from './service'
import { createBody, deliveriesQuery, deliveryParams, idParam, responses, updateBody } from './model'

export function webhooksPlugin(deps: Deps, auth: AuthPlugin) {
  const update = { auth: true, params: idParam, body: updateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) } } as const
  return new Elysia({ name: 'kurz.webhooks', prefix: '/api/v1/webhooks', detail: { tags: ['Webhooks'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createWebhook(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createBody, response: { 201: responses.created, ...authErrors, ...errorsOf(400, 503) }, detail: docs.create })
    .get('', ({ caller }) => listWebhooks(deps, caller),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .get('/:id', ({ params, caller }) => getWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .patch('/:id', ({ params, body, caller }) => updateWebhook(deps, caller, params.id, body), { ...update, detail: docs.patch })
    .put('/:id', ({ params, body, caller }) => updateWebhook(deps, caller, params.id, body), { ...update, detail: docs.put })
    .delete('/:id', ({ params, caller }) => deleteWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
    .post('/:id/rotate-secret', ({ params, caller }) => rotateWebhookSecret(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.secret, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.rotate })
    .get('/:id/deliveries', ({ params, query, caller }) => listDeliveries(deps, caller, params.id, query),
      { auth: true, params: idParam, query: deliveriesQuery, response: { 200: responses.deliveries, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.deliveries })
    .post('/:id/deliveries/:deliveryId/retry', ({ params, caller }) => retryDelivery(deps, caller, params.id, params.deliveryId),
      { auth: true, params: deliveryParams, response: { 200: responses.retried, ...authErrors, ...errorsOf(400, 404, 409, 503) }, detail: docs.retry })
    .post('/:id/test', ({ params, caller }) => testWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.tested, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.test })
}
