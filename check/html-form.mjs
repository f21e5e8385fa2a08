// Reads the one form a login or consent page offers (DESIGN.md contract 4:
// inputs `username` and `password`, a `decision` button, a CSRF token in a
// hidden input) and fills it. Plain regular expressions: the pages are ours.

const unescape = (s) => s?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function attributes(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) out[m[1].toLowerCase()] = unescape(m[3] ?? m[4] ?? m[5]);
  return out;
}

/**
 * The form to submit on `html` with `user`'s credentials filled in and, on a
 * consent page, `decision=allow`; `kind` says which page it was. Null when the
 * page has no form.
 */
export function fillForm(html, user) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const login = forms.find((f) => /type\s*=\s*["']?password/i.test(f[2]));
  const consent = forms.find((f) => /name\s*=\s*["']?decision/i.test(f[2]));
  const pick = login ?? consent ?? forms[0];
  if (!pick) return null;
  const form = attributes(pick[1]);
  const fields = new URLSearchParams();
  for (const [tag] of pick[2].matchAll(/<input\b[^>]*>/gi)) {
    const a = attributes(tag);
    if (!a.name) continue;
    const type = (a.type ?? 'text').toLowerCase();
    if (type === 'password') fields.set(a.name, user.password);
    else if (a.name === 'username') fields.set(a.name, user.username);
    else if (type === 'checkbox' || type === 'radio') {
      if (/\bchecked\b/i.test(tag)) fields.append(a.name, a.value ?? 'on');
    } else if (type !== 'submit') fields.set(a.name, a.value ?? '');
  }
  if (!login && consent) fields.set('decision', 'allow');
  return { kind: login ? 'login' : consent ? 'consent' : 'other', action: form.action ?? '', method: (form.method ?? 'get').toUpperCase(), fields };
}
