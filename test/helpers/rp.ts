import * as oauth from 'oauth4webapi';
import { ISSUER, workerFetch } from './worker';

/** oauth4webapi options that route its HTTP calls to the Worker under test. */
export const viaWorker = { [oauth.customFetch]: workerFetch } as const;

/** Discovers the Worker as a relying party does (OIDC Discovery §4), with oauth4webapi's strict checks. */
export async function discover(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(ISSUER);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...viaWorker, algorithm: 'oidc' }));
}

export async function pkce() {
  const code_verifier = oauth.generateRandomCodeVerifier();
  return { code_verifier, code_challenge: await oauth.calculatePKCECodeChallenge(code_verifier) };
}
