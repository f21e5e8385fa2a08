import { Validator, type Schema } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import ADMIN_OPENAPI from '../../docs/admin-openapi.json';
import { adminRequest } from '../helpers/admin';
import { call } from '../helpers/worker';

/**
 * docs/admin-openapi.json (OpenAPI 3.1, issue 13) describes the whole admin
 * API: every route the app registers under /admin is in it and nothing else
 * is, and every example in it is valid against its schema (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1 §4.8.24).
 */
type Doc = { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> };
const doc = ADMIN_OPENAPI as unknown as Doc;
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** The admin routes the app registers, as OpenAPI `METHOD /path/{param}`. */
function registeredRoutes(): string[] {
  const routes = createApp().routes
    .filter((r) => r.path.startsWith('/admin') && r.method !== 'ALL')
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.has(m)).map((m) => `${m} ${path}`)).sort();
}

/** Every object in the document holding both a `schema` and an `example` (media types, parameters, headers), with its location. */
function examples(node: unknown, at = '#'): Array<{ at: string; schema: Schema; example: unknown }> {
  if (typeof node !== 'object' || node === null) return [];
  const here = 'schema' in node && 'example' in node ? [{ at, schema: (node as { schema: Schema }).schema, example: (node as { example: unknown }).example }] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => examples(v, `${at}/${k}`))];
}

describe('the admin API\'s OpenAPI document (issue 13)', () => {
  it('lists every admin route the app registers, and no route the app lacks', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    expect(documentedRoutes()).toEqual(registered);
  });

  it('every example validates against its schema (JSON Schema 2020-12)', () => {
    const found = examples(doc.paths).concat(examples(doc.components, '#/components'));
    expect(found.length).toBeGreaterThan(40);
    const failures = found.flatMap(({ at, schema, example }) => {
      const result = new Validator({ ...(schema as object), components: doc.components } as Schema, '2020-12', false).validate(example);
      return result.valid ? [] : [`${at}: ${result.errors.map((e) => `${e.instanceLocation} ${e.error}`).join('; ')}`];
    });
    expect(failures).toEqual([]);
  });

  it('the checker refuses an example that breaks its schema (the check can fail)', () => {
    const schema = { $ref: '#/components/schemas/UserCreate', components: doc.components } as Schema;
    expect(new Validator(schema, '2020-12').validate({ username: 'has space', password: 'long enough' }).valid).toBe(false);
    expect(new Validator(schema, '2020-12').validate({ username: 'ada', password: 'long enough', claims: { role: 'admin' } }).valid).toBe(false);
  });

  it('is served at GET /admin/openapi.json behind the admin token, identical to docs/admin-openapi.json', async () => {
    const res = await adminRequest('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ADMIN_OPENAPI);
    expect((await call('/admin/openapi.json')).status).toBe(401);
  });

  it('its request examples are accepted by the API itself: POST /admin/users and POST /admin/apis', async () => {
    const bodyOf = (path: string) => (doc.paths[path]!.post as { requestBody: { content: { 'application/json': { example: Record<string, unknown> } } } }).requestBody.content['application/json'].example;
    const suffix = crypto.randomUUID().slice(0, 8);
    const user = await adminRequest('POST', '/users', { ...bodyOf('/admin/users'), username: `ada-${suffix}` });
    expect(user.status).toBe(201);
    const api = await adminRequest('POST', '/apis', { ...bodyOf('/admin/apis'), identifier: `https://api.example.com/${suffix}` });
    expect(api.status).toBe(201);
    const client = await adminRequest('POST', '/clients', (doc.paths['/admin/clients']!.post as { requestBody: { content: { 'application/json': { example: unknown } } } }).requestBody.content['application/json'].example);
    expect(client.status).toBe(201);
  });
});
