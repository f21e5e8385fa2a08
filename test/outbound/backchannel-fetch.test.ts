import { describe, expect, inject, it } from 'vitest';
import { guardedLogoutFetch } from '../../src/storage/backchannel-fetch';
import { received } from './helpers';

/** The stand-in outbound guard (DESIGN.md "outbound fetches"), against the real local RP. */
describe('guarded logout POST (DESIGN.md outbound fetches: no SSRF through backchannel_logout_uri)', () => {
  const post = { method: 'POST', body: 'logout_token=x' };

  it('refuses http, loopback, private, link-local (metadata) and CGNAT addresses for a public issuer', async () => {
    const send = guardedLogoutFetch('https://op.example');
    const refused: Array<[string, string]> = [
      ['http://rp.example/logout', 'refused http: URL (https only)'],
      ['https://127.0.0.1/logout', 'refused loopback address for a non-local issuer'],
      ['https://localhost/logout', 'refused loopback address for a non-local issuer'],
      ['https://[::1]/logout', 'refused loopback address for a non-local issuer'],
      ['https://10.1.2.3/logout', 'refused private or metadata address'],
      ['https://172.16.0.1/logout', 'refused private or metadata address'],
      ['https://192.168.1.1/logout', 'refused private or metadata address'],
      ['https://169.254.169.254/latest/meta-data', 'refused private or metadata address'],
      ['https://100.64.0.1/logout', 'refused private or metadata address'],
      ['https://0.0.0.0/logout', 'refused private or metadata address'],
      ['https://[fd00::1]/logout', 'refused private or metadata address'],
      ['https://[fe80::1]/logout', 'refused private or metadata address'],
      ['https://[::ffff:127.0.0.1]/logout', 'refused private or metadata address'],
      ['https://metadata.google.internal/computeMetadata/v1/', 'refused private or metadata address'],
      ['ftp://rp.example/logout', 'refused ftp: URL (https only)'],
    ];
    for (const [url, message] of refused) await expect(send(url, post), url).rejects.toThrow(message);
  });

  it('admits http on loopback when the issuer itself is local, and never follows a redirect', async () => {
    const send = guardedLogoutFetch('http://localhost:8787');
    const res = await send(`${inject('rpUrl')}/rp/ok/guard-${crypto.randomUUID()}`, post);
    expect(res.status).toBe(200);
    await expect(send('http://10.0.0.1/logout', post)).rejects.toThrow('refused http: URL (https only)');
    const key = `guard-${crypto.randomUUID()}`;
    const redirected = await send(`${inject('rpUrl')}/rp/redirect/${key}`, { ...post, redirect: 'follow' });
    expect(redirected.status).toBe(307);
    expect(await received(`${key}-target`)).toHaveLength(0);
  });
});
