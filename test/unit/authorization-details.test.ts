import { describe, expect, it } from 'vitest';
import { canonicalJson, parseAuthorizationDetails, tokenDetails } from '../../src/oauth/authorization-details';
import { compileDetailSchema, validateDetail } from '../../src/oauth/detail-schemas';
import { describeDetail } from '../../src/oauth/detail-display';
import { OAuthError } from '../../src/oauth/errors';
import type { ResourceServer } from '../../src/oauth/resource-server';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof OAuthError ? error.code : 'not an OAuthError';
  }
  return undefined;
};

const api = (types: Record<string, Record<string, unknown>>): ResourceServer => ({
  identifier: 'https://bank.example/', name: 'Bank', scopes: [], allow_refresh: true, authorization_details_types: types, client_id: 'api-x', created_at: 0,
});

describe('authorization_details parsing (RFC 9396 §2)', () => {
  it('refuses more than 4096 characters and deeper than 8 levels with invalid_authorization_details (bounded)', () => {
    expect(codeOf(() => parseAuthorizationDetails(JSON.stringify([{ type: 't', pad: 'x'.repeat(4100) }])))).toBe('invalid_authorization_details');
    let deep: unknown = 1;
    for (let i = 0; i < 9; i++) deep = { d: deep };
    expect(codeOf(() => parseAuthorizationDetails(JSON.stringify([{ type: 't', deep }])))).toBe('invalid_authorization_details');
  });

  it('compares objects by value whatever the member order (RFC 9396 §6.1 as documented)', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'z' })).toBe(canonicalJson({ a: 'z', b: [1, { x: 1, y: 2 }] }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('gives a token only the details of its audience (RFC 9396 §9, RFC 8707 §2.2)', () => {
    const granted = { authorization_details: JSON.stringify([{ type: 'a' }, { type: 'b' }]), authorization_details_resources: ['https://one/', 'https://two/'] };
    expect(tokenDetails(granted, 'https://two/', undefined)).toEqual([{ type: 'b' }]);
    expect(codeOf(() => tokenDetails(granted, 'https://two/', JSON.stringify([{ type: 'a' }])))).toBe('invalid_authorization_details');
  });
});

describe('detail schemas (DESIGN.md contract 5)', () => {
  it('refuses an unknown $schema and accepts the drafts the validator implements', () => {
    expect(compileDetailSchema({ type: 'object', $schema: 'https://example.com/my-draft' }).ok).toBe(false);
    expect(compileDetailSchema({ type: 'object', $schema: 'http://json-schema.org/draft-07/schema#' }).ok).toBe(true);
  });

  it('does not change the registered schema while compiling it', () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } };
    const before = JSON.stringify(schema);
    expect(compileDetailSchema(schema).ok).toBe(true);
    expect(JSON.stringify(schema)).toBe(before);
    expect(Object.getOwnPropertyNames(schema.properties.a)).toEqual(['$ref']);
  });

  it('validates through local references, refusing what the referenced schema refuses (RFC 9396 §5)', () => {
    const bank = api({ t: { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } } });
    expect(codeOf(() => validateDetail(bank, { type: 't', a: 'ok' }, 0))).toBeUndefined();
    expect(codeOf(() => validateDetail(bank, { type: 't', a: 1 }, 0))).toBe('invalid_authorization_details');
  });
});

describe('consent wording of a detail', () => {
  it('labels members with schema titles, flattens nesting and keeps values as data', () => {
    const schema = { type: 'object', title: 'Payment', properties: { amount: { type: 'object', title: 'Amount', properties: { value: { title: 'Sum' } } } } };
    const view = describeDetail({ type: 't', amount: { value: '<b>5</b>' }, tags: ['a', 'b'], none: null }, schema, 'Bank');
    expect(view).toEqual({
      title: 'Payment', type: 't', api: 'Bank',
      lines: [{ label: 'Amount › Sum', value: '<b>5</b>' }, { label: 'tags', value: 'a, b' }, { label: 'none', value: '(none)' }],
    });
  });
});
