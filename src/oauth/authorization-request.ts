import type { Config } from '../config';
import { PROMPTS } from './capabilities';
import { resolveClientPolicy } from './client-policy';
import { InvalidRequest, InvalidScope, UnauthorizedClient, UnsupportedResponseType } from './errors';
import { matchesRedirectUri } from './redirect-uri';
import { parseAuthorizationDetails } from './authorization-details';
import { parseResources } from './resources';
import { parseScope } from './token-scope';
import { RESPONSE_MODES, type AuthorizationRequest, type Client, type ResponseMode } from './types';

const PKCE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
/** Longest accepted parameter value; also bounds what an error redirect may echo (`state`). */
export const MAX_PARAM = 4096;

/**
 * The parameters an authorization request may carry (RFC 6749 §4.1.1, RFC 7636
 * §4.3, RFC 9101 §4, RFC 9126 §2.1, OpenID Connect Core §3.1.2.1): the only
 * names an error description repeats. Errors reach the client's error page
 * (RFC 6749 §4.1.2.1), so descriptions name a parameter and never echo a value
 * or an unknown name: an attacker's text must not appear there, nor grow the
 * Location header.
 */
const KNOWN_PARAMS = new Set([
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'response_mode', 'code_challenge',
  'code_challenge_method', 'prompt', 'max_age', 'login_hint', 'acr_values', 'ui_locales', 'claims', 'id_token_hint',
  'display', 'request', 'request_uri', 'resource', 'authorization_details', 'registration', 'claims_locales', 'dpop_jkt',
]);

/** A parameter's name as an error description may give it: known names only. */
export function paramForError(name: string): string {
  return KNOWN_PARAMS.has(name) ? name : 'a parameter';
}

/** The request's redirect_uri, and whether it was defaulted to the only registered one (then the token request may omit it, RFC 6749 §4.1.3). */
function requireRedirectUri(params: Map<string, string>, client: Client, isOidc: boolean): { redirect_uri: string; defaulted: boolean } {
  const given = params.get('redirect_uri');
  if (given === undefined) {
    if (isOidc) throw new InvalidRequest('redirect_uri is required (OpenID Connect Core §3.1.2.1)');
    if (client.redirect_uris.length !== 1) throw new InvalidRequest('redirect_uri is required when more than one is registered');
    return { redirect_uri: client.redirect_uris[0]!, defaulted: true };
  }
  // Simple string comparison, never normalized (RFC 9700 §4.1.3, OIDC Core §3.1.2.1).
  if (!matchesRedirectUri(client.redirect_uris, given, client.application_type)) throw new InvalidRequest('redirect_uri does not match any registered redirect URI');
  return { redirect_uri: given, defaulted: false };
}

function validateScope(params: Map<string, string>, client: Client): string {
  const scope = params.get('scope') ?? client.scope ?? '';
  const tokens = scope === '' ? [] : parseScope(scope);
  if (client.scope !== undefined) {
    const allowed = new Set(client.scope.split(' '));
    const extra = tokens.find((t) => !allowed.has(t));
    if (extra) throw new InvalidScope('scope holds a value not allowed for this client');
  }
  return tokens.join(' ');
}

function validatePkce(params: Map<string, string>, client: Client, config: Config) {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  const policy = resolveClientPolicy(client, config);
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    if (policy.pkce_required) throw new InvalidRequest('code_challenge is required: PKCE with S256 (RFC 7636 §4.4.1, RFC 9700 §2.1.1, FAPI 2.0 Security Profile §5.3.2.2)');
    return {};
  }
  // RFC 7636 §4.3: an absent method means plain.
  const effective = method ?? 'plain';
  if (!policy.pkce_methods.includes(effective)) {
    throw new InvalidRequest('code_challenge_method must be S256 (RFC 9700 §2.1.1)');
  }
  if (!PKCE_CHALLENGE.test(challenge) || (effective === 'S256' && challenge.length !== 43)) {
    throw new InvalidRequest('code_challenge is malformed (RFC 7636 §4.2)');
  }
  return { code_challenge: challenge, code_challenge_method: effective as 'S256' | 'plain' };
}

function validatePrompt(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const prompts = value.split(' ');
  const unknown = prompts.find((p) => !PROMPTS.includes(p));
  if (unknown) throw new InvalidRequest('prompt holds an unsupported value (OpenID Connect Core §3.1.2.1)');
  if (prompts.includes('none') && prompts.length > 1) throw new InvalidRequest('prompt=none cannot be combined (OpenID Connect Core §3.1.2.1)');
  return value;
}

function validateClaims(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidRequest('claims is not valid JSON (OpenID Connect Core §5.5)');
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed)) throw new InvalidRequest('claims must be a JSON object (OpenID Connect Core §5.5)');
  for (const member of ['userinfo', 'id_token']) {
    const m = (parsed as Record<string, unknown>)[member];
    if (m !== undefined && m !== null && !isObject(m)) throw new InvalidRequest(`claims.${member} must be an object`);
  }
  return value;
}

/**
 * Validates an authorization request's parameters for `client` (RFC 6749
 * §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1). The result holds only
 * understood parameters; state and nonce are kept byte for byte.
 */
export function validateAuthorizationRequest(params: Map<string, string>, client: Client, config: Config): AuthorizationRequest {
  for (const [name, value] of params) {
    if (value.length > MAX_PARAM) throw new InvalidRequest(`${paramForError(name)} is too long`);
  }
  const responseType = params.get('response_type');
  if (responseType === undefined) throw new InvalidRequest('response_type is missing');
  if (responseType !== 'code') throw new UnsupportedResponseType('response_type is not supported; use "code"');
  if (!client.response_types.includes('code')) throw new UnauthorizedClient('the client is not registered for response_type "code"');
  const scope = validateScope(params, client);
  const { redirect_uri, defaulted } = requireRedirectUri(params, client, scope.split(' ').includes('openid'));
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && !(RESPONSE_MODES as readonly string[]).includes(responseMode)) {
    throw new InvalidRequest('response_mode is not supported');
  }
  const maxAge = params.get('max_age');
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge)) throw new InvalidRequest('max_age must be a non-negative integer');
  const request: AuthorizationRequest = {
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri,
    scope,
    ...validatePkce(params, client, config),
    ...(defaulted && { redirect_uri_defaulted: true as const }),
  };
  const optional = ['state', 'nonce', 'login_hint', 'acr_values', 'ui_locales', 'id_token_hint'] as const;
  for (const name of optional) {
    const value = params.get(name);
    if (value !== undefined) request[name] = value;
  }
  if (responseMode !== undefined) request.response_mode = responseMode as ResponseMode;
  const prompt = validatePrompt(params.get('prompt'));
  if (prompt !== undefined) request.prompt = prompt;
  if (maxAge !== undefined) request.max_age = Number(maxAge);
  const resource = params.get('resource');
  if (resource !== undefined) request.resource = parseResources(resource).join(' ');
  const claims = validateClaims(params.get('claims'));
  if (claims !== undefined) request.claims = claims;
  const jkt = params.get('dpop_jkt');
  // RFC 9449 §10: a JWK SHA-256 thumbprint (RFC 7638), 43 base64url characters.
  if (jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(jkt)) throw new InvalidRequest('dpop_jkt must be a base64url JWK SHA-256 thumbprint (RFC 9449 §10)');
  if (jkt !== undefined) request.dpop_jkt = jkt;
  const details = params.get('authorization_details');
  if (details !== undefined) request.authorization_details = JSON.stringify(parseAuthorizationDetails(details));
  return request;
}
