// Process helpers: spawn children on the server core, read their CPU time
// from /proc, and make sure every child dies with us (exit, error, SIGINT).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

const children = new Set();
const CLK_TCK = 100; // USER_HZ on Linux; sysconf(_SC_CLK_TCK) is 100 on every mainstream kernel.

export const cores = os.availableParallelism?.() ?? os.cpus().length;
/** Core layout: with ≥ 2 cores the server gets core 1 and the load generator core 0. */
export const pinning = cores >= 2 ? { server: '1', load: '0' } : null;

export function pinSelf() {
  if (!pinning) return false;
  return spawnSync('taskset', ['-a', '-cp', pinning.load, String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/**
 * Spawns `node script args` pinned to the server core; `ready` resolves with
 * the first stdout JSON line that says `ready: true`.
 */
export function spawnServer(name, script, args, env, { timeoutMs = 60_000 } = {}) {
  const t0 = performance.now();
  const [cmd, cmdArgs] = pinning
    ? ['taskset', ['-c', pinning.server, process.execPath, script, ...args]]
    : [process.execPath, [script, ...args]];
  const child = spawn(cmd, cmdArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const stderr = [];
  child.stderr.on('data', (d) => {
    stderr.push(d.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`${name} did not start within ${timeoutMs} ms\n${stderr.join('')}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg.ready) {
          clearTimeout(timer);
          resolve({ child, info: msg, spawnedAt: t0, stderr });
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready\n${stderr.join('')}`));
    });
  });
  ready.catch(() => {});
  return { child, ready };
}

export function kill(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {}
    }, 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    try {
      child.kill(signal);
    } catch {
      clearTimeout(hard);
      resolve();
    }
  });
}

export async function killAll() {
  await Promise.all([...children].map((c) => kill(c)));
}

function onFatal(signal) {
  for (const c of children) {
    try {
      c.kill('SIGTERM');
    } catch {}
  }
  setTimeout(() => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {}
    }
    process.exit(signal === 'SIGINT' ? 130 : 1);
  }, 500).unref();
}
process.on('SIGINT', () => onFatal('SIGINT'));
process.on('SIGTERM', () => onFatal('SIGTERM'));
process.on('exit', () => {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
});

/** user+sys CPU seconds of one process (all its threads), from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is state (field 3); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Sum of cpuSeconds over `pids`, skipping processes that are gone. */
export function cpuOf(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuSeconds(pid);
    } catch {}
  }
  return total;
}

/** Direct children pids of `pid` (from /proc/PID/task/TID/children). */
export function childPids(pid) {
  const out = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {}
  return out;
}

export function processName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** The taskset wrapper execs node, so the spawned pid is node's own pid. */
export function descendants(pid) {
  const all = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const c of childPids(p)) {
      all.push(c);
      queue.push(c);
    }
  }
  return all;
}
