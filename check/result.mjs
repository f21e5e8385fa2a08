// One line of the self-check: an id a machine can match on, a status, and
// what was seen, in words an operator can act on.

/** @typedef {{ id: string, status: 'pass' | 'warn' | 'fail' | 'skip', title: string, detail: string }} CheckLine */

export const pass = (id, title, detail = '') => ({ id, status: 'pass', title, detail });
export const warn = (id, title, detail) => ({ id, status: 'warn', title, detail });
export const fail = (id, title, detail) => ({ id, status: 'fail', title, detail });
export const skip = (id, title, detail) => ({ id, status: 'skip', title, detail });

/** "401" or "no answer (ECONNREFUSED)": how a response is named in a detail. */
export const described = (res) => (res.status === 0 ? `no answer: ${res.error}` : `${res.status}${res.json?.error ? ` ${res.json.error}` : ''}`);

/** Whether the host of `url` is a loopback name or address. */
export function isLoopback(url) {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}
