import { registerClient, type RegisteredClient } from './admin';
import { registerApi, type RegisteredApi } from './apis';
import { callbackOf, newBrowser, parseForm, postForm, visit, type Callback } from './interaction';
import { basic, call, ISSUER, unique } from './worker';

/** The JSON Schema of RFC 9396 §2's `payment_initiation` example; unknown members refused (DESIGN.md contract 5). */
export const PAYMENT_SCHEMA = {
  type: 'object',
  title: 'Payment initiation',
  description: 'A single payment from your account',
  required: ['type', 'instructedAmount', 'creditorName'],
  additionalProperties: false,
  properties: {
    type: { const: 'payment_initiation' },
    actions: { type: 'array', items: { enum: ['initiate', 'status', 'cancel'] } },
    locations: { type: 'array', items: { type: 'string' } },
    instructedAmount: {
      type: 'object', title: 'Amount', required: ['currency', 'amount'], additionalProperties: false,
      properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$', title: 'Currency' }, amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,2})?$', title: 'Sum' } },
    },
    creditorName: { type: 'string', title: 'Pay to', maxLength: 70 },
    creditorAccount: { type: 'object', additionalProperties: false, properties: { iban: { type: 'string', title: 'IBAN' } } },
    remittanceInformationUnstructured: { type: 'string', title: 'Reference' },
  },
};

/** RFC 9396 §2's example object. */
export function payment(amount = '123.50', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'payment_initiation', actions: ['initiate', 'status', 'cancel'], locations: ['https://example.com/payments'],
    instructedAmount: { currency: 'EUR', amount }, creditorName: 'Merchant A', creditorAccount: { iban: 'DE02100100109307118603' },
    remittanceInformationUnstructured: 'Ref Number Merchant', ...extra,
  };
}

export const ACCOUNT_SCHEMA = { type: 'object', title: 'Account information', properties: { type: { const: 'account_information' }, actions: { type: 'array' } } };

export interface RarSetup {
  payments: RegisteredApi;
  crm: RegisteredApi;
  client: RegisteredClient;
  /** Type names are per test file, so files running together never see each other's types. */
  types: { payment: string; account: string; customer: string };
}

/**
 * A payments API with a payment and an account type, a CRM API with a
 * customer type, and a confidential client registered for all three (RFC 9396 §10).
 * The type names carry a unique suffix; `detail` rewrites a fixture's type to it.
 */
export async function rarSetup(): Promise<RarSetup> {
  const suffix = unique('t').replace(/[^A-Za-z0-9]/g, '');
  const types = { payment: `payment_initiation_${suffix}`, account: `account_information_${suffix}`, customer: `customer_information_${suffix}` };
  const [payments, crm] = await Promise.all([
    registerApi('payments', {
      authorization_details_types: {
        [types.payment]: { ...PAYMENT_SCHEMA, properties: { ...PAYMENT_SCHEMA.properties, type: { const: types.payment } } },
        [types.account]: { ...ACCOUNT_SCHEMA, properties: { type: { const: types.account }, actions: { type: 'array' } } },
      },
    }),
    registerApi('crm', { authorization_details_types: { [types.customer]: { type: 'object' } } }),
  ]);
  const client = await registerClient({
    token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'],
    authorization_details_types: Object.values(types),
  });
  return { payments, crm, client, types };
}

/** A form POST with client_secret_basic. */
export function postAs(path: string, who: { client_id: string; client_secret?: string }, params: Array<[string, string]>): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(who.client_id, who.client_secret!) },
    body: new URLSearchParams(params).toString(),
  });
}

/** Opens `url`, signs in and allows, and returns the consent page's HTML (null when none was shown) and where the response went. */
export async function authorizeCapturingConsent(url: URL, user: { username: string; password: string }, browser = newBrowser()): Promise<{ consent: string | null; callback: Callback }> {
  let res = await visit(browser, url);
  let consent: string | null = null;
  for (let i = 0; i < 6; i++) {
    const callback = await callbackOf(res);
    if (callback) return { consent, callback };
    if (res.status === 302 || res.status === 303) {
      res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
      continue;
    }
    const html = await res.text();
    const form = parseForm(html);
    if (html.includes('name="password"')) res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    else {
      consent = html;
      res = await postForm(browser, form.action, { ...form.fields, decision: 'allow' });
    }
  }
  throw new Error('too many steps without reaching the client');
}
