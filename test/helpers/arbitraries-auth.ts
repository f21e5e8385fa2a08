import fc from 'fast-check';
import { CompactSign } from 'jose';
import { authorization, badJwt, jwtClaims } from './arbitraries';
import type { ClientKey } from './jwt';
import { clientAssertion } from './jwt';
import { basic } from './worker';

/**
 * Client authentication as generated for the back-channel endpoints (/par,
 * /token, /revoke, /introspect): mostly valid credentials of a test client, so
 * random parameters get deep, else malformed headers, junk or signed-but-wrong
 * client assertions.
 */
export type AuthChoice =
  | { kind: 'basic' }
  | { kind: 'wrong-secret' }
  | { kind: 'header'; value: string | undefined }
  | { kind: 'post' }
  | { kind: 'public' }
  | { kind: 'assertion'; jwt: string }
  | { kind: 'signed-assertion'; payload: unknown }
  | { kind: 'valid-assertion' };

export const authChoice: fc.Arbitrary<AuthChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'basic' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrong-secret' as const }) },
  { weight: 2, arbitrary: authorization.map((value) => ({ kind: 'header' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'post' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'public' as const }) },
  { weight: 1, arbitrary: badJwt.map((jwt) => ({ kind: 'assertion' as const, jwt })) },
  { weight: 1, arbitrary: jwtClaims.map((payload) => ({ kind: 'signed-assertion' as const, payload })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'valid-assertion' as const }) },
);

export interface AuthClients {
  /** A client_secret_basic client. */
  secret: { client_id: string; client_secret?: string };
  /** A private_key_jwt client and its key. */
  keyed: { client_id: string };
  key: ClientKey;
  /** A public client (`none`). */
  pub: { client_id: string };
}

/** Signs any payload bytes (not only JSON objects) with `key`, as a client would sign a broken JWT. */
export function signAnything(payload: unknown, key: ClientKey, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload) ?? 'null'))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** The Authorization header and form parameters an AuthChoice stands for; `client` is the client_id it claims. */
export async function applyAuth(choice: AuthChoice, clients: AuthClients): Promise<{ header?: string; params: Record<string, string>; client?: string }> {
  const { secret, keyed, key, pub } = clients;
  const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  switch (choice.kind) {
    case 'basic':
      return { header: basic(secret.client_id, secret.client_secret!), params: {}, client: secret.client_id };
    case 'wrong-secret':
      return { header: basic(secret.client_id, 'not-the-secret'), params: {}, client: secret.client_id };
    case 'header':
      return { header: choice.value, params: {} };
    case 'post':
      return { params: { client_id: secret.client_id, client_secret: secret.client_secret! }, client: secret.client_id };
    case 'public':
      return { params: { client_id: pub.client_id }, client: pub.client_id };
    case 'assertion':
      return { params: { client_assertion_type: assertionType, client_assertion: choice.jwt } };
    case 'signed-assertion':
      return { params: { client_assertion_type: assertionType, client_assertion: await signAnything(choice.payload, key), client_id: keyed.client_id }, client: keyed.client_id };
    case 'valid-assertion':
      return { params: { client_assertion_type: assertionType, client_assertion: await clientAssertion(keyed.client_id, key) }, client: keyed.client_id };
  }
}
