#!/usr/bin/env node
/**
 * `npm run lint`: ESLint (eslint.config.js) over src, test and scripts, then
 * STYLE.md's architecture rules, which ESLint's generic rules cannot express:
 *   - src/oauth/ is protocol code: no 'hono', no 'cloudflare:*' (STYLE.md "what may import what")
 *   - src/oauth/ reaches storage only through port types: from src/storage/ it imports src/storage/ports only
 *   - src/crypto/ wraps jose: no 'hono', no 'cloudflare:*'
 *   - src/objects/ are platform classes: only 'cloudflare:workers' and relative files inside src/objects/
 *   - source files stay under MAX_LINES lines (STYLE.md: "files under ~250 lines")
 * Exits non-zero on any finding. `--no-eslint` runs only the architecture rules.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 300;
const LINT_DIRS = ['src', 'test', 'scripts'];

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
export function importsOf(source) {
  const specs = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const re of patterns) for (const m of code.matchAll(re)) specs.push(m[1]);
  return specs;
}

const isPlatformOrHono = (spec) => spec === 'hono' || spec.startsWith('hono/') || spec.startsWith('cloudflare:');

/** The STYLE.md layering and size findings for one file, as strings. */
export function checkFile(file, source) {
  const rel = relative(root, file).split(sep).join('/');
  const findings = [];
  const lines = source.split('\n').length - (source.endsWith('\n') ? 1 : 0);
  if (rel.startsWith('src/') && lines > MAX_LINES) findings.push(`${rel}: ${lines} lines (limit ${MAX_LINES}; STYLE.md: split by concept)`);
  for (const spec of importsOf(source)) {
    if ((rel.startsWith('src/oauth/') || rel.startsWith('src/crypto/')) && isPlatformOrHono(spec)) {
      findings.push(`${rel}: imports '${spec}' (STYLE.md: ${rel.split('/')[1]}/ never imports hono or cloudflare:*)`);
    }
    if (rel.startsWith('src/oauth/') && spec.startsWith('.')) {
      const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.tsx?$/, '');
      if (target.startsWith('src/storage/') && target !== 'src/storage/ports') {
        findings.push(`${rel}: imports '${spec}' (STYLE.md: oauth/ sees storage through the port types in storage/ports.ts)`);
      }
    }
    if (rel.startsWith('src/objects/')) {
      const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : null;
      const ok = spec === 'cloudflare:workers' || (target !== null && target.startsWith('src/objects/'));
      if (!ok) findings.push(`${rel}: imports '${spec}' (STYLE.md: objects/ imports only the platform and src/objects/)`);
    }
  }
  return findings;
}

function architecture() {
  const findings = walk(join(root, 'src')).flatMap((file) => checkFile(file, readFileSync(file, 'utf8')));
  for (const f of findings) console.error(`architecture: ${f}`);
  return findings.length;
}

function main() {
  let failed = false;
  if (!process.argv.includes('--no-eslint')) {
    const eslint = spawnSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', ...LINT_DIRS], { cwd: root, stdio: 'inherit' });
    failed ||= eslint.status !== 0;
  }
  const count = architecture();
  failed ||= count > 0;
  console.log(failed ? `lint: failed${count ? ` (${count} architecture finding${count === 1 ? '' : 's'})` : ''}` : 'lint: ok');
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
