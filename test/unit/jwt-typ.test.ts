import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPS, hasAcceptedTyp, REQUEST_OBJECT_TYPS } from '../../src/oauth/jwt-typ';

const key = new TextEncoder().encode('k'.repeat(32));
const jwt = (typ?: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256', ...(typ !== undefined && { typ }) }).sign(key);

describe('explicit typing (RFC 8725 §3.11)', () => {
  it.each([
    [undefined, true, true],
    ['JWT', true, true],
    ['application/jwt', true, true],
    ['client-authentication+jwt', true, false],
    ['oauth-authz-req+jwt', false, true],
    ['application/oauth-authz-req+jwt', false, true],
    ['at+jwt', false, false],
    ['logout+jwt', false, false],
  ])('typ %s: client assertion %s, request object %s', async (typ, asAssertion, asRequestObject) => {
    const token = await jwt(typ);
    expect(hasAcceptedTyp(token, CLIENT_ASSERTION_TYPS)).toBe(asAssertion);
    expect(hasAcceptedTyp(token, REQUEST_OBJECT_TYPS)).toBe(asRequestObject);
  });

  it('refuses what is not a JWT', () => {
    expect(hasAcceptedTyp('not-a-jwt', CLIENT_ASSERTION_TYPS)).toBe(false);
  });
});
