/**
 * Deployment hooks: fill these in to customise Portcullis without forking
 * the protocol code. See `src/oauth/hooks.ts` for the contract of each hook.
 *
 * Example (Janssen's sample ParType script, in TypeScript):
 *
 *   par: {
 *     createPar(request, { client }) {
 *       if (client.client_id === 'bad') throw new AccessDenied('Forbidden by custom hook');
 *       return { ...request, scope: 'openid profile' };
 *     },
 *     modifyParResponse(response) {
 *       return { ...response, custom_key: 'custom_value' };
 *     },
 *   },
 */
import type { Hooks } from './oauth/hooks';

export const hooks: Hooks = {
  par: {},
};
