// A real relying party for the back-channel logout tests (vitest globalSetup of
// the `outbound` project; runs in Node). `POST /rp/<mode>/<key>` records what
// arrives and answers by mode:
//   ok → 200, no-content → 204, fail-twice → 500 twice then 200,
//   dead → 503 always, slow → 200 after 1.5 s, redirect → 307 to /rp/ok/<key>-target.
// `GET /received/<key>` returns the records of a key as JSON (shape: `Received`
// in helpers.ts). Its URL reaches the tests as `inject('rpUrl')`.
import { createServer } from 'node:http';

const received = new Map();

function statusFor(mode, earlier) {
  if (mode === 'ok' || mode === 'slow') return 200;
  if (mode === 'no-content') return 204;
  if (mode === 'fail-twice') return earlier < 2 ? 500 : 200;
  return 503;
}

async function handle(req, res) {
  const at = Date.now();
  const [, kind, a, b] = (req.url ?? '').split('/');
  if (req.method === 'GET' && kind === 'received' && a) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.get(a) ?? []));
    return;
  }
  if (kind !== 'rp' || !a || !b) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const list = received.get(b) ?? [];
  received.set(b, list);
  const status = statusFor(a, list.length);
  const record = { at, answered_at: 0, status, method: req.method, content_type: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') };
  list.push(record);
  if (a === 'slow') await new Promise((r) => setTimeout(r, 1500));
  record.answered_at = Date.now();
  if (a === 'redirect') {
    record.status = 307;
    res.writeHead(307, { location: `/rp/ok/${b}-target` }).end();
    return;
  }
  res.writeHead(status).end();
}

export default async function setup(project) {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('rpUrl', `http://127.0.0.1:${server.address().port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
