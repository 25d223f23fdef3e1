import type { SimDataset } from '../model.js';
import type { ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { toPublicUserJson } from './render-account.js';

/**
 * `GET /user/{account_id}` ("Get a user using their ID"): an account by its durable id,
 * under the login it has now (a renamed user answers with the new one); 404 for an id the
 * dataset does not hold.
 */
export function createUserRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/user/{account_id}',
      auth: 'installation',
      handle({ params, render }) {
        const id = Number(params['account_id']);
        const user = dataset.users.find((candidate) => candidate.id === id);
        if (!user) return notFound();
        return { status: 200, body: toPublicUserJson(render, user) };
      },
    },
  ];
}
