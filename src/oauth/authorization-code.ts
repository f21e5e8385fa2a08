import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { GrantPort } from '../storage/ports';
import { joinToken, type GrantData } from './grant-data';

export interface CodeDeps {
  config: Config;
  grants: GrantPort;
  now: () => number;
}

/**
 * What a code redemption must present to match the authorization it came
 * from. `redirect_uri_sent` is bound (to "true") only when the authorization
 * request included redirect_uri: the token request must then include it too
 * (RFC 6749 §4.1.3); a redemption always presents whether it did.
 */
export type CodeBindings = { client_id: string; redirect_uri: string; pkce: string; redirect_uri_sent?: 'true' | 'false'; dpop_jkt?: string };

/**
 * The PKCE binding stored with a code: the S256 challenge, or for `plain`
 * S256 of the challenge (which equals S256 of the verifier), or "none" so that
 * a verifier sent for a challenge-less code fails (RFC 7636 §4.6, RFC 9700 §4.8.2).
 */
export async function pkceBinding(challenge: string | undefined, method: 'S256' | 'plain' | undefined): Promise<string> {
  if (challenge === undefined) return 'none';
  return method === 'plain' ? sha256b64(challenge) : challenge;
}

/** The PKCE value a token request presents: S256 of its code_verifier, or "none". */
export async function presentedPkce(codeVerifier: string | undefined): Promise<string> {
  return codeVerifier === undefined ? 'none' : sha256b64(codeVerifier);
}

export type IssueCodeOutcome = { ok: true; code: string } | { ok: false; reason: 'used' };

/**
 * Issues the authorization code of grant `handle` (RFC 6749 §4.1.2). The grant
 * object accepts this once, which is also where a request_uri is consumed
 * (DESIGN.md): a second completed use of the same request_uri fails.
 */
export async function issueAuthorizationCode(
  deps: CodeDeps,
  input: {
    handle: string; data: GrantData; code_challenge?: string; code_challenge_method?: 'S256' | 'plain';
    /** Whether the authorization request included redirect_uri (RFC 6749 §4.1.3); strict when not said. */
    redirect_uri_required?: boolean;
    /** The DPoP key the code is bound to (RFC 9449 §10): its redemption must carry a proof by that key. */
    dpop_jkt?: string;
    /** The client policy's code lifetime (s; at most 60 under FAPI 2.0 §5.3.2.1); CODE_LIFETIME when not given. */
    code_lifetime?: number;
  },
): Promise<IssueCodeOutcome> {
  const now = deps.now();
  const lifetime = input.code_lifetime ?? deps.config.codeLifetime;
  const secret = randomToken(32);
  const bindings: CodeBindings = {
    client_id: input.data.client_id,
    redirect_uri: input.data.redirect_uri,
    pkce: await pkceBinding(input.code_challenge, input.code_challenge_method),
    ...(input.redirect_uri_required !== false && { redirect_uri_sent: 'true' as const }),
    ...(input.dpop_jkt !== undefined && { dpop_jkt: input.dpop_jkt }),
  };
  const result = await deps.grants.grant(input.handle).issueCode({
    code_hash: await sha256b64(secret),
    code_expires_at: now + lifetime,
    bindings,
    data: { ...input.data },
    expires_at: now + lifetime + 60,
  });
  return result.ok ? { ok: true, code: joinToken(input.handle, secret) } : result;
}
