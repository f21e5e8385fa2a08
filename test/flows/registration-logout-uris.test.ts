import { describe, expect, it } from 'vitest';
import { adminRequest, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { unique } from '../helpers/worker';

/**
 * Logout metadata checked at registration (issue 10: "absolute https URIs,
 * with loopback allowed for development"): Front-Channel Logout 1.0 §2,
 * Back-Channel Logout 1.0 §2.2, RP-Initiated Logout 1.0 §3.1. The test issuer
 * (https://op.example) is not local, so loopback is refused here.
 */
async function refused(metadata: Record<string, unknown>, error: string, field: string): Promise<void> {
  const res = await adminRequest('POST', '/clients', { client_id: unique('client'), redirect_uris: ['https://rp.example/cb'], ...metadata });
  const body = await errorOf(res);
  expect(body).toMatchObject({ status: 400, error });
  expect(body.error_description).toContain(field);
}

describe('logout URIs at registration (Front-/Back-Channel Logout 1.0, RP-Initiated Logout 1.0)', () => {
  it('refuses an http frontchannel_logout_uri: invalid_client_metadata (Front-Channel Logout 1.0 §2)', async () => {
    await refused({ frontchannel_logout_uri: 'http://rp.example/fc' }, 'invalid_client_metadata', 'frontchannel_logout_uri');
  });

  it('refuses a loopback http frontchannel_logout_uri when the issuer is not local', async () => {
    await refused({ frontchannel_logout_uri: 'http://localhost:3000/fc' }, 'invalid_client_metadata', 'frontchannel_logout_uri');
  });

  it('refuses a frontchannel_logout_uri with a fragment (Front-Channel Logout 1.0 §2)', async () => {
    await refused({ frontchannel_logout_uri: 'https://rp.example/fc#x' }, 'invalid_client_metadata', 'frontchannel_logout_uri');
  });

  it('refuses a relative backchannel_logout_uri (Back-Channel Logout 1.0 §2.2)', async () => {
    await refused({ backchannel_logout_uri: '/logout' }, 'invalid_client_metadata', 'backchannel_logout_uri');
  });

  it('refuses a loopback backchannel_logout_uri when the issuer is not local (DESIGN.md outbound fetches)', async () => {
    await refused({ backchannel_logout_uri: 'http://127.0.0.1:8080/bc' }, 'invalid_client_metadata', 'backchannel_logout_uri');
    await refused({ backchannel_logout_uri: 'https://localhost/bc' }, 'invalid_client_metadata', 'backchannel_logout_uri');
  });

  it('refuses a backchannel_logout_uri on a private or metadata address (DESIGN.md outbound fetches)', async () => {
    await refused({ backchannel_logout_uri: 'https://10.0.0.7/bc' }, 'invalid_client_metadata', 'backchannel_logout_uri');
    await refused({ backchannel_logout_uri: 'https://169.254.169.254/latest' }, 'invalid_client_metadata', 'backchannel_logout_uri');
    await refused({ backchannel_logout_uri: 'https://metadata.google.internal/bc' }, 'invalid_client_metadata', 'backchannel_logout_uri');
  });

  it('refuses a post_logout_redirect_uri that is not a valid redirect URI: invalid_redirect_uri (RP-Initiated Logout 1.0 §3.1)', async () => {
    await refused({ post_logout_redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris');
    await refused({ post_logout_redirect_uris: ['/bye'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris');
    await refused({ post_logout_redirect_uris: ['http://rp.example/bye'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris');
  });

  it('accepts https logout URIs and answers them as registered (RFC 7591 §3.2.1)', async () => {
    const metadata = {
      frontchannel_logout_uri: 'https://rp.example/fc?x=1', frontchannel_logout_session_required: true,
      backchannel_logout_uri: 'https://rp.example/bc', backchannel_logout_session_required: true,
      post_logout_redirect_uris: ['https://rp.example/bye'],
    };
    expect(await registerClient(metadata)).toMatchObject(metadata);
  });
});
