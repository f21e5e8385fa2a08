#!/usr/bin/env node
/**
 * `npm run setup -- --domain id.example.com [--signing-keys] [--admin-token-file path]`:
 * provisions a Cloudflare deployment with wrangler (log in first: `npx wrangler login`,
 * or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID). Re-runnable: what exists is kept.
 * 1. the KV namespaces, D1 databases and queues (with the dead-letter queue) wrangler.toml names;
 * 2. wrangler.deploy.toml: wrangler.toml with their ids, ISSUER=https://<domain> and the custom domain;
 * 3. the D1 migrations, applied remotely;
 * 4. the secrets ADMIN_TOKEN, CLIENT_SECRET_KEY and (--signing-keys) SIGNING_KEYS, generated and
 *    sent to `wrangler secret put` on stdin; a secret already set is never replaced. The admin
 *    token is shown once (or written to --admin-token-file, mode 0600); the others never.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { BASE_CONFIG, DEPLOY_CONFIG, deploymentOf, readConfig, renderDeployConfig, resourcesOf } from './lib/deploy-config.mjs';
import { privateJwks, signingAlgs } from './lib/signing-keys.mjs';
import { jsonOutput, project, tableOutput, wrangler } from './lib/wrangler.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
};
const say = (what, detail) => console.log(`${what.padEnd(8)} ${detail}`);
const withConfig = ['--config', DEPLOY_CONFIG];

async function askDomain(known) {
  const given = option('--domain') ?? known;
  if (given) return given;
  if (!process.stdin.isTTY) throw new Error('the issuer\'s custom domain is needed: npm run setup -- --domain id.example.com');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question('Custom domain for the issuer (e.g. id.example.com): ')).trim();
  rl.close();
  return answer;
}

function validDomain(domain) {
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain) || /(^|\.)localhost$/i.test(domain)) {
    throw new Error(`--domain must be a public host name such as id.example.com, got ${JSON.stringify(domain)}`);
  }
  return domain.toLowerCase();
}

/** The id of each KV namespace (titled `<worker>-<binding>`), creating those that are missing. */
function provisionKv(base) {
  const list = () => jsonOutput(wrangler(['kv', 'namespace', 'list']));
  let existing = list();
  const ids = {};
  for (const { binding } of base.kv) {
    const title = `${base.name}-${binding}`;
    let found = existing.find((n) => n.title === title);
    if (found) say('kept', `KV namespace ${title} (${found.id})`);
    else {
      wrangler(['kv', 'namespace', 'create', title]);
      existing = list();
      found = existing.find((n) => n.title === title);
      if (!found) throw new Error(`created KV namespace ${title}, but wrangler kv namespace list does not show it`);
      say('created', `KV namespace ${title} (${found.id})`);
    }
    ids[binding] = found.id;
  }
  return ids;
}

/** The uuid of each D1 database (by database_name), creating those that are missing. */
function provisionD1(base) {
  const list = () => jsonOutput(wrangler(['d1', 'list', '--json']));
  let existing = list();
  const ids = {};
  for (const { binding, name } of base.d1) {
    let found = existing.find((d) => d.name === name);
    if (found) say('kept', `D1 database ${name} (${found.uuid})`);
    else {
      wrangler(['d1', 'create', name]);
      existing = list();
      found = existing.find((d) => d.name === name);
      if (!found) throw new Error(`created D1 database ${name}, but wrangler d1 list does not show it`);
      say('created', `D1 database ${name} (${found.uuid})`);
    }
    ids[binding] = found.uuid;
  }
  return ids;
}

function provisionQueues(base) {
  const existing = new Set(tableOutput(wrangler(['queues', 'list'])).map((row) => row.name));
  for (const queue of base.queues) {
    if (existing.has(queue)) say('kept', `queue ${queue}`);
    else {
      wrangler(['queues', 'create', queue]);
      say('created', `queue ${queue}`);
    }
  }
}

/** Names of the secrets the Worker has; none when the Worker does not exist yet. */
function existingSecrets() {
  try {
    return new Set(jsonOutput(wrangler(['secret', 'list', ...withConfig])).map((s) => s.name));
  } catch (error) {
    if (/not found/i.test(error.output ?? '')) return new Set();
    throw error;
  }
}

async function provisionSecrets(vars) {
  const have = existingSecrets();
  const wanted = [
    ['ADMIN_TOKEN', async () => randomBytes(32).toString('base64url')],
    ['CLIENT_SECRET_KEY', async () => randomBytes(32).toString('base64url')],
    ...(args.includes('--signing-keys') ? [['SIGNING_KEYS', async () => JSON.stringify(await privateJwks(await signingAlgs(vars)))]] : []),
  ];
  let adminToken;
  for (const [name, make] of wanted) {
    if (have.has(name)) {
      say('kept', `secret ${name} (already set; replace it with: npx wrangler secret put ${name} --config ${DEPLOY_CONFIG})`);
      continue;
    }
    const value = await make();
    wrangler(['secret', 'put', name, ...withConfig], { input: value });
    say('set', `secret ${name}`);
    if (name === 'ADMIN_TOKEN') adminToken = value;
  }
  return adminToken;
}

function handOver(adminToken) {
  if (!adminToken) return;
  const file = option('--admin-token-file');
  if (file) {
    writeFileSync(file, `${adminToken}\n`, { mode: 0o600, flag: 'wx' });
    say('wrote', `the admin token to ${file} (mode 0600); it is not stored anywhere else`);
  } else {
    console.log(`\nADMIN_TOKEN (shown this once; keep it in your password manager):\n  ${adminToken}\n`);
  }
}

async function main() {
  const baseText = readConfig(BASE_CONFIG);
  if (!baseText) throw new Error(`${BASE_CONFIG} not found: run npm run setup in the repository`);
  const previous = readConfig(DEPLOY_CONFIG);
  const base = resourcesOf(baseText);
  const known = previous ? deploymentOf(previous) : {};
  const domain = validDomain(await askDomain(known.domain));
  const deployment = { domain, kv: provisionKv(base), d1: provisionD1(base) };
  provisionQueues(base);
  const rendered = renderDeployConfig(baseText, deployment);
  if (rendered !== previous) {
    writeFileSync(join(project(), DEPLOY_CONFIG), rendered);
    say(previous ? 'updated' : 'wrote', `${DEPLOY_CONFIG} (ISSUER=https://${domain}, custom domain ${domain})`);
  } else say('kept', `${DEPLOY_CONFIG} (unchanged)`);
  for (const { name } of base.d1) {
    wrangler(['d1', 'migrations', 'apply', name, '--remote', ...withConfig]);
    say('applied', `D1 migrations to ${name} (remote; already applied ones are skipped)`);
  }
  handOver(await provisionSecrets(base.vars));
  console.log(`Next: npm run deploy   (then https://${domain}/.well-known/openid-configuration)`);
}

try {
  await main();
} catch (error) {
  console.error(`setup stopped: ${error.message}`);
  process.exit(1);
}
