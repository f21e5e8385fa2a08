#!/usr/bin/env node
/**
 * `npm run deploy [-- --migrate] [-- <wrangler deploy flags>]`: deploys with wrangler.deploy.toml.
 * 1. re-renders wrangler.deploy.toml from the current wrangler.toml (keeping its ids, issuer, domain);
 * 2. refuses a local or http ISSUER, and bindings that still hold local placeholder ids;
 * 3. refuses when the remote D1 database has unapplied migrations (`--migrate` applies them first);
 * 4. runs `wrangler deploy --config wrangler.deploy.toml` with any other flags passed through.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_CONFIG, DEPLOY_CONFIG, deployProblems, deploymentOf, readConfig, renderDeployConfig, resourcesOf } from './lib/deploy-config.mjs';
import { project, wrangler } from './lib/wrangler.mjs';

const args = process.argv.slice(2);
const migrate = args.includes('--migrate');
const passThrough = args.filter((a) => a !== '--migrate');
const withConfig = ['--config', DEPLOY_CONFIG];

function refuse(lines) {
  console.error(['deploy refused:', ...lines.map((l) => `  - ${l}`)].join('\n'));
  process.exit(1);
}

/** Migration files not yet applied to the remote database `name`, as `wrangler d1 migrations list` shows them. */
function unappliedMigrations(name) {
  const out = wrangler(['d1', 'migrations', 'list', name, '--remote', ...withConfig]);
  if (/No migrations to apply/i.test(out)) return [];
  const pending = [...out.matchAll(/\b(\d{4}_[\w-]+\.sql)\b/g)].map((m) => m[1]);
  return pending.length ? [...new Set(pending)] : ['(wrangler listed migrations to apply)'];
}

function main() {
  const baseText = readConfig(BASE_CONFIG);
  const previous = readConfig(DEPLOY_CONFIG);
  if (!baseText) refuse([`${BASE_CONFIG} not found: run npm run deploy in the repository`]);
  if (!previous) refuse([`${DEPLOY_CONFIG} is missing: provision first with npm run setup -- --domain id.example.com`]);
  const rendered = renderDeployConfig(baseText, deploymentOf(previous));
  if (rendered !== previous) {
    writeFileSync(join(project(), DEPLOY_CONFIG), rendered);
    console.log(`updated  ${DEPLOY_CONFIG} from ${BASE_CONFIG}`);
  }
  const problems = deployProblems(rendered, baseText);
  if (problems.length) refuse([...problems, 'run npm run setup (it provisions the resources and writes their ids)']);
  for (const { name } of resourcesOf(rendered).d1) {
    let pending = unappliedMigrations(name);
    if (pending.length && migrate) {
      wrangler(['d1', 'migrations', 'apply', name, '--remote', ...withConfig]);
      console.log(`applied  D1 migrations ${pending.join(', ')} to ${name}`);
      pending = unappliedMigrations(name);
    }
    if (pending.length) {
      refuse([`the D1 database ${name} is behind the code: ${pending.join(', ')} not applied`,
        `apply them with npm run deploy -- --migrate (or npx wrangler d1 migrations apply ${name} --remote --config ${DEPLOY_CONFIG})`]);
    }
  }
  wrangler(['deploy', ...withConfig, ...passThrough], { inherit: true });
}

try {
  main();
} catch (error) {
  console.error(`deploy stopped: ${error.message}`);
  process.exit(1);
}
