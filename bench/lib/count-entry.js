// Storage-operation counter: wraps the built Worker (bench/out/worker/index.js)
// and hands it an env whose KV, D1 and Durable Object bindings count each call
// before passing it on to the real local binding. Used only in the counting
// pass, never in a timed window. GET /__bench/ops returns the counts and
// resets them.
import worker from './worker/index.js';
export { Grant, KeyStore, RateLimiter, ReplayGuard, Session } from './worker/index.js';

let counts = {};
const bump = (key) => (counts[key] = (counts[key] ?? 0) + 1);

function countMethods(target, prefix, methods) {
  return new Proxy(target, {
    get(t, p) {
      const v = Reflect.get(t, p, t);
      if (typeof v !== 'function') return v;
      if (methods && !methods.includes(p)) return (...args) => Reflect.apply(v, t, args);
      return (...args) => {
        bump(`${prefix}.${String(p)}`);
        return Reflect.apply(v, t, args);
      };
    },
  });
}

function wrapStatement(stmt) {
  return new Proxy(stmt, {
    get(t, p) {
      const v = Reflect.get(t, p, t);
      if (typeof v !== 'function') return v;
      if (p === 'bind') return (...args) => wrapStatement(Reflect.apply(v, t, args));
      return (...args) => {
        bump(`D1.${String(p)}`);
        return Reflect.apply(v, t, args);
      };
    },
  });
}

function wrapD1(db) {
  return new Proxy(db, {
    get(t, p) {
      const v = Reflect.get(t, p, t);
      if (typeof v !== 'function') return v;
      if (p === 'prepare') return (...args) => wrapStatement(Reflect.apply(v, t, args));
      return (...args) => {
        bump(`D1.${String(p)}`);
        return Reflect.apply(v, t, args);
      };
    },
  });
}

function wrapNamespace(ns, name) {
  return new Proxy(ns, {
    get(t, p) {
      const v = Reflect.get(t, p, t);
      if (typeof v !== 'function') return v;
      if (p === 'get') return (...args) => countMethods(Reflect.apply(v, t, args), `DO.${name}`);
      return (...args) => Reflect.apply(v, t, args);
    },
  });
}

const wrapped = new WeakMap();
function wrapEnv(env) {
  let w = wrapped.get(env);
  if (!w) {
    w = {};
    for (const key of Object.keys(env)) w[key] = env[key];
    w.PAR_KV = countMethods(env.PAR_KV, 'KV', ['get', 'put', 'delete', 'list', 'getWithMetadata']);
    w.DB = wrapD1(env.DB);
    for (const name of ['GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER']) w[name] = wrapNamespace(env[name], name);
    wrapped.set(env, w);
  }
  return w;
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === '/__bench/ops') {
      const body = JSON.stringify(counts);
      counts = {};
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    }
    return worker.fetch(request, wrapEnv(env), ctx);
  },
};
