/**
 * Vitest globalSetup (runs in Node, not workerd): a real local HTTP server that
 * plays a relying party's `jwks_uri` and its misbehaving variants, so the
 * outbound-fetch guard and the remote JWKS adapter are tested over real
 * sockets, never against a stubbed `fetch`. Its port reaches the workerd tests
 * through `provide('rpServerPort')` / `inject('rpServerPort')`.
 *
 * Routes (`:name` keeps tests apart):
 *   PUT  /doc/:name       stores the body as the document
 *   GET  /doc/:name       serves it as application/json (404 until stored); counts hits
 *   GET  /hits/:name      how often /doc/:name was served
 *   GET  /redirect/:name  302 to /doc/:name
 *   GET  /endless/:name   a JSON-typed body that never ends, written as fast as the reader takes it
 *   GET  /slow/:name      headers only after 30 s
 *   GET  /stall/:name     headers and the start of a body at once, the rest never
 *   GET  /html/:name      a text/html page
 *   GET  /stats/:name     { bytes, closed } of the last /endless or /slow answer
 */
import { createServer } from 'node:http';

export default async function setup(project) {
  const docs = new Map();
  const hits = new Map();
  const stats = new Map();
  const server = createServer(async (req, res) => {
    const [, route, name = ''] = new URL(req.url, 'http://x').pathname.split('/');
    const json = (status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'PUT' && route === 'doc') {
      let body = '';
      for await (const chunk of req) body += chunk;
      docs.set(name, body);
      return json(200, { stored: name });
    }
    if (route === 'doc') {
      hits.set(name, (hits.get(name) ?? 0) + 1);
      if (!docs.has(name)) return json(404, { error: 'not stored' });
      return res.writeHead(200, { 'content-type': 'application/json' }).end(docs.get(name));
    }
    if (route === 'hits') return json(200, { hits: hits.get(name) ?? 0 });
    if (route === 'stats') return json(200, stats.get(name) ?? { bytes: 0, closed: false });
    if (route === 'redirect') return res.writeHead(302, { location: `/doc/${name}` }).end();
    if (route === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>not a key set</body></html>');
    if (route === 'endless') return endless(res, name, stats);
    if (route === 'stall') {
      const record = { bytes: 9, closed: false };
      stats.set(name, record);
      res.on('close', () => { record.closed = true; });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.write('{"keys":[');
    }
    if (route === 'slow') {
      const record = { bytes: 0, closed: false };
      stats.set(name, record);
      const timer = setTimeout(() => json(200, { keys: [] }), 30_000);
      res.on('close', () => { clearTimeout(timer); record.closed = true; });
      return;
    }
    json(404, { error: 'no such route' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('rpServerPort', server.address().port);
  return () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
}

/** Writes `{"keys":[` and then filler forever, honouring backpressure, until the client goes away. */
function endless(res, name, stats) {
  const record = { bytes: 0, closed: false };
  stats.set(name, record);
  const chunk = Buffer.alloc(16 * 1024, 0x20);
  res.on('close', () => { record.closed = true; });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"keys":[');
  const pump = () => {
    while (!record.closed) {
      record.bytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}
