import { describe, expect, it } from 'vitest';
import { InvalidRequest, toErrorDescription } from '../../src/oauth/errors';

const ALLOWED = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

describe('error_description character set (RFC 6749 §5.2)', () => {
  it('folds section signs, quotes, backslashes and other non-ASCII into the allowed set', () => {
    const out = toErrorDescription('parameter "scope" see §3.3 \\ naïve — ok');
    expect(out).toBe("parameter 'scope' see section 3.3 / na?ve - ok");
    expect(out).toMatch(ALLOWED);
  });

  it('applies to every OAuthError, so no endpoint can emit a non-conforming description', () => {
    const error = new InvalidRequest('redirect_uri "x" (RFC 6749 §3.1.2)');
    expect(error.toJSON().error_description).toMatch(ALLOWED);
    expect(error.toJSON().error_description).toContain('section 3.1.2');
  });
});
