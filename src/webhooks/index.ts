// Routes of the webhooks API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { errorSchemas } from '../shared/error-schemas'
import {
  createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, retryDelivery, rotateWebhookSecret,
  testWebhook, updateWebhook,
} from './service'
import { createBody, deliveriesQuery, deliveryParams, idParam, responses, updateBody } from './model'

export function webhooksPlugin(deps: Deps, auth: AuthPlugin) {
  const update = { auth: true, params: idParam, body: updateBody, response: { 200: responses.one, ...errorSchemas } } as const
  return new Elysia({ name: 'kurz.webhooks', prefix: '/api/v1/webhooks', detail: { tags: ['Webhooks'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createWebhook(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createBody, response: { 201: responses.created, ...errorSchemas } })
    .get('', ({ caller }) => listWebhooks(deps, caller),
      { auth: true, response: { 200: responses.list, ...errorSchemas } })
    .get('/:id', ({ params, caller }) => getWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.one, ...errorSchemas } })
    .patch('/:id', ({ params, body, caller }) => updateWebhook(deps, caller, params.id, body), update)
    .put('/:id', ({ params, body, caller }) => updateWebhook(deps, caller, params.id, body), update)
    .delete('/:id', ({ params, caller }) => deleteWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.deleted, ...errorSchemas } })
    .post('/:id/rotate-secret', ({ params, caller }) => rotateWebhookSecret(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.secret, ...errorSchemas } })
    .get('/:id/deliveries', ({ params, query, caller }) => listDeliveries(deps, caller, params.id, query),
      { auth: true, params: idParam, query: deliveriesQuery, response: { 200: responses.deliveries, ...errorSchemas } })
    .post('/:id/deliveries/:deliveryId/retry', ({ params, caller }) => retryDelivery(deps, caller, params.id, params.deliveryId),
      { auth: true, params: deliveryParams, response: { 200: responses.retried, ...errorSchemas } })
    .post('/:id/test', ({ params, caller }) => testWebhook(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.tested, ...errorSchemas } })
}
