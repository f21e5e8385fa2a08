#!/usr/bin/env node
/**
 * `npm run lint`: ESLint (eslint.config.js) over src, test and scripts, then
 * STYLE.md's architecture rules, which ESLint's generic rules cannot express:
 *   - src/oauth/ is protocol code: no 'hono', no 'cloudflare:*' (STYLE.md "what may import what")
 *   - src/oauth/ reaches storage only through port types: from src/storage/ it imports src/storage/ports only
 *   - src/crypto/ wraps jose: no 'hono', no 'cloudflare:*'
 *   - src/objects/ are platform classes: only 'cloudflare:workers' and relative files inside src/objects/
 *   - src/storage/ports.ts speaks the protocol: it imports nothing from src/objects/ (issue 8 §2)
 *   - src/oauth/ has no `as unknown as`: a double cast there means a port is typed wrongly (STYLE.md)
 *   - src/http/ (request/response helpers) imports only oauth/, storage/, crypto/, ui/, config, log
 *     (and the app-env/env types), and only routes/, middleware/, app.ts and http/ import it
 *   - source files stay under MAX_LINES lines (STYLE.md: "files under ~250 lines")
 * Exits non-zero on any finding. `--no-eslint` runs only the architecture rules.
 * Every rule is proved on a synthetic violation first (selfTest), so a rule that
 * stopped catching anything fails the lint instead of passing silently.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 250;
const LINT_DIRS = ['src', 'test', 'scripts', 'bin', 'check'];

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
  const code = stripComments(source);
  for (const re of patterns) for (const m of code.matchAll(re)) specs.push(m[1]);
  return specs;
}

const isPlatformOrHono = (spec) => spec === 'hono' || spec.startsWith('hono/') || spec.startsWith('cloudflare:');

/** What src/http/ may import inside src/ (targets without extension). */
const HTTP_MAY_IMPORT = ['src/http/', 'src/oauth/', 'src/storage/', 'src/crypto/', 'src/ui/', 'src/config', 'src/log', 'src/app-env', 'src/env'];
/** Who may import src/http/. */
const HTTP_IMPORTED_BY = ['src/http/', 'src/routes/', 'src/middleware/', 'src/app.ts', 'src/app.tsx'];

/** Source text without comments, so a rule never fires on prose. */
const stripComments = (source) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

function layerFindings(rel, file, spec) {
  const findings = [];
  const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.(tsx?|m?js)$/, '') : null;
  if (rel === 'src/storage/ports.ts' && target?.startsWith('src/objects/')) {
    findings.push(`${rel}: imports '${spec}' (issue 8 §2: ports speak the protocol; declare the types in storage/, never import objects/)`);
  }
  if (rel.startsWith('src/http/') && target !== null && target.startsWith('src/') && !HTTP_MAY_IMPORT.some((p) => target === p || target.startsWith(p))) {
    findings.push(`${rel}: imports '${spec}' (STYLE.md: http/ may import only oauth/, storage/, crypto/, ui/, config and log)`);
  }
  if (target?.startsWith('src/http/') && !rel.startsWith('src/http/') && !HTTP_IMPORTED_BY.includes(rel) && !HTTP_IMPORTED_BY.some((p) => p.endsWith('/') && rel.startsWith(p))) {
    findings.push(`${rel}: imports '${spec}' (STYLE.md: only routes/, middleware/ and app.ts use http/)`);
  }
  return findings;
}

/** The STYLE.md layering and size findings for one file, as strings. */
export function checkFile(file, source) {
  const rel = relative(root, file).split(sep).join('/');
  const findings = [];
  const lines = source.split('\n').length - (source.endsWith('\n') ? 1 : 0);
  if (rel.startsWith('src/') && lines > MAX_LINES) findings.push(`${rel}: ${lines} lines (limit ${MAX_LINES}; STYLE.md: split by concept)`);
  if (rel.startsWith('src/oauth/')) {
    const casts = stripComments(source).split('\n').flatMap((line, i) => (/\bas\s+unknown\s+as\b/.test(line) ? [i + 1] : []));
    if (casts.length) findings.push(`${rel}: \`as unknown as\` on line${casts.length > 1 ? 's' : ''} ${casts.join(', ')} (STYLE.md: a double cast in oauth/ means a port is typed wrongly)`);
  }
  for (const spec of importsOf(source)) {
    findings.push(...layerFindings(rel, file, spec));
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

/** Each rule, shown a violation it must catch and a neighbour it must allow. */
const SELF_TEST = [
  ['src/oauth/x.ts', "import { Hono } from 'hono';", true],
  ['src/oauth/x.ts', "import type { GrantStore } from '../storage/do-grants';", true],
  ['src/oauth/x.ts', "import type { GrantPort } from '../storage/ports';", false],
  ['src/objects/x.ts', "import { getConfig } from '../config';", true],
  ['src/storage/ports.ts', "import type { Grant } from '../objects/grant';", true],
  ['src/storage/do-grants.ts', "import type { Grant } from '../objects/grant';", false],
  ['src/oauth/x.ts', 'const grant = data as unknown as GrantData;', true],
  ['src/oauth/x.ts', '// never write data as unknown as GrantData here\nconst x = 1;', false],
  ['src/http/x.ts', "import { tokenRoute } from '../routes/token';", true],
  ['src/http/x.ts', "import { errorPage } from '../ui/error-page';\nimport { OAuthError } from '../oauth/errors';\nimport { getConfig } from '../config';", false],
  ['src/oauth/x.ts', "import { requestInput } from '../http/request-input';", true],
  ['src/routes/token.ts', "import { requestInput } from '../http/request-input';", false],
  ['src/middleware/x.ts', "import { requestInput } from '../http/request-input';", false],
  ['src/x.ts', `${'const a = 1;\n'.repeat(MAX_LINES + 1)}`, true],
];

function selfTest() {
  const failures = SELF_TEST.filter(([rel, source, violates]) => (checkFile(join(root, rel), source).length > 0) !== violates);
  for (const [rel, source, violates] of failures) console.error(`lint self-test: rule ${violates ? 'missed' : 'wrongly flagged'} ${rel}: ${source.split('\n')[0]}`);
  return failures.length;
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
  const broken = selfTest();
  const count = architecture();
  failed ||= count > 0 || broken > 0;
  console.log(failed ? `lint: failed${count ? ` (${count} architecture finding${count === 1 ? '' : 's'})` : ''}` : 'lint: ok');
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
