// One measured window: warm-up, then autocannon for `duration` seconds (or
// until a pool of single-use bodies runs out), with the serving process's
// CPU time read from /proc before and after.
import autocannon from 'autocannon';
import { cpuOf } from './proc.mjs';

function run(opts, { stopAfterMs } = {}) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    const timer = stopAfterMs ? setTimeout(() => instance.stop(), stopAfterMs) : null;
    instance.on('done', () => timer && clearTimeout(timer));
  });
}

/**
 * spec: { url, method, headers, body | bodies (single-use, one per request), onResponse }
 * Returns requests/s, latency p50/p99 (ms), CPU ms per request of `pids`.
 */
export async function measure(spec, { connections, duration, warmup, pids, hostPids = [] }) {
  let next = 0;
  const pool = spec.bodies;
  const request = {
    method: spec.method ?? 'GET',
    path: new URL(spec.url).pathname + new URL(spec.url).search,
    headers: spec.headers ?? {},
    ...(spec.body !== undefined && { body: spec.body }),
    ...(pool && {
      setupRequest(req) {
        const body = pool[next++ % pool.length];
        return { ...req, body };
      },
    }),
    ...(spec.onResponse && { onResponse: spec.onResponse }),
  };
  const base = { url: new URL(spec.url).origin, connections, timeout: 10, requests: [request] };
  const bounded = (seconds) => {
    if (!pool) return [{ ...base, duration: seconds }, {}];
    const left = pool.length - next;
    return [{ ...base, amount: Math.max(connections, left) }, { stopAfterMs: seconds * 1000 }];
  };

  if (warmup > 0) {
    const recordOnWarm = spec.recordDuringWarmup ?? false;
    const saved = request.onResponse;
    if (!recordOnWarm) delete request.onResponse;
    const [o, b] = bounded(warmup);
    if (!pool) await run(o, b);
    else await run({ ...o, amount: Math.min(o.amount, Math.max(connections, Math.floor(pool.length * 0.15))) }, b);
    if (saved) request.onResponse = saved;
  }
  if (pool && pool.length - next < connections) return { skipped: 'pool of single-use values exhausted during warm-up' };

  const cpu0 = cpuOf(pids);
  const host0 = cpuOf(hostPids);
  const t0 = performance.now();
  const [o, b] = bounded(duration);
  const r = await run(o, b);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuOf(pids) - cpu0;
  const host = cpuOf(hostPids) - host0;
  const total = r.requests.total;
  const ok = r['2xx'];
  return {
    connections,
    seconds: Number(elapsed.toFixed(2)),
    requests: total,
    ok,
    bad: total - ok,
    errors: r.errors + r.timeouts,
    rps: total / elapsed,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMsPerReq: total ? (cpu * 1000) / total : NaN,
    cpuUtil: cpu / elapsed,
    hostCpuMsPerReq: hostPids.length && total ? (host * 1000) / total : undefined,
    poolLeft: pool ? pool.length - next : undefined,
  };
}

/** A closed loop of `connections` workers each running `fn` back to back, bounded in time and count. */
export async function measureLoop(fn, { connections, duration, warmup, pids, maxIterations = 1e6 }) {
  const loop = async (seconds, record) => {
    const end = performance.now() + seconds * 1000;
    let count = 0;
    let failures = 0;
    const worker = async () => {
      while (performance.now() < end && count + failures < maxIterations) {
        const s = performance.now();
        try {
          await fn();
          count++;
          record?.push(performance.now() - s);
        } catch (error) {
          failures++;
          if (failures === 1) console.error(`  flow failed: ${error.message}`);
          if (failures > 20) break;
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    return { count, failures };
  };
  if (warmup > 0) await loop(warmup);
  const times = [];
  const cpu0 = cpuOf(pids);
  const t0 = performance.now();
  const { count, failures } = await loop(duration, times);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuOf(pids) - cpu0;
  times.sort((a, b) => a - b);
  const pct = (p) => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : NaN);
  return {
    connections, seconds: Number(elapsed.toFixed(2)), requests: count, ok: count, bad: failures, errors: failures,
    rps: count / elapsed, p50: pct(0.5), p99: pct(0.99), cpuMsPerReq: count ? (cpu * 1000) / count : NaN, cpuUtil: cpu / elapsed,
  };
}
