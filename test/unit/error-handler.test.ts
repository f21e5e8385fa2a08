import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app-env';
import { requestContext } from '../../src/middleware/context';
import { handleError } from '../../src/middleware/errors';
import { browserFacing } from '../../src/middleware/security-headers';
import type { ResponseTarget } from '../../src/oauth/authorization-response';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../../src/oauth/errors';
import type { Client } from '../../src/oauth/types';
import { ISSUER, testEnv } from '../helpers/worker';

/**
 * The one error handler decides where an error goes from the error
 * (`allowRedirect`) and the request (`browserFacing`, `responseTarget`), never
 * from a status code or a route's own try/catch.
 */
const client = { client_id: 'error-routing-client', redirect_uris: ['https://rp.example/cb'] } as Client;
const target = (response_mode?: ResponseTarget['response_mode']): ResponseTarget => ({
  client, redirect_uri: 'https://rp.example/cb', state: 'st', ...(response_mode && { response_mode }),
});

function app() {
  const hono = new Hono<AppEnv>();
  hono.use('*', requestContext({}));
  hono.get('/api', () => {
    throw new InvalidGrant('the code is invalid');
  });
  hono.use('/page/*', browserFacing);
  hono.get('/page/redirect', (c) => {
    c.set('responseTarget', target());
    throw new InvalidScope('scope "x" is not allowed');
  });
  hono.get('/page/form-post', (c) => {
    c.set('responseTarget', target('form_post'));
    throw new InvalidScope('scope "x" is not allowed');
  });
  hono.get('/page/forbidden', (c) => {
    c.set('responseTarget', target());
    throw new InvalidRequest('the form was not sent from this site', { status: 403, allowRedirect: false });
  });
  hono.get('/page/bug', (c) => {
    c.set('responseTarget', target());
    throw new TypeError('internal detail');
  });
  hono.get('/page/untargeted', () => {
    throw new InvalidScope('scope "x" is not allowed');
  });
  hono.onError(handleError);
  return hono;
}

const get = (path: string) => app().fetch(new Request(new URL(path, ISSUER)), testEnv);

describe('error routing (RFC 6749 §4.1.2.1, RFC 9207 §2, RFC 6749 §5.2)', () => {
  it('redirects an error to the validated response target with state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const res = await get('/page/redirect');
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://rp.example/cb');
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('error_description')).toBe("scope 'x' is not allowed");
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('posts the error to the target in form_post mode (OAuth 2.0 Form Post Response Mode §2)', async () => {
    const res = await get('/page/form-post');
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('action="https://rp.example/cb"');
    expect(html).toMatch(/name="error" value="invalid_scope"/);
    expect(html).toMatch(/name="state" value="st"/);
    expect(html).toContain(`name="iss" value="${ISSUER}"`);
  });

  it('shows an error that may not be redirected as a page, keeping its status, even with a target known (RFC 6749 §10.12)', async () => {
    const res = await get('/page/forbidden');
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<code>invalid_request</code>');
  });

  it('never sends an unexpected failure to the client: a server_error page without internals', async () => {
    const res = await get('/page/bug');
    expect(res.status).toBe(500);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<code>server_error</code>');
    expect(html).not.toContain('internal detail');
  });

  it('shows a page while no redirect_uri is validated (RFC 6749 §4.1.2.1)', async () => {
    const res = await get('/page/untargeted');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('<code>invalid_scope</code>');
  });

  it('answers JSON with error and error_description off the browser-facing routes (RFC 6749 §5.2)', async () => {
    const res = await get('/api');
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'the code is invalid' });
  });
});
