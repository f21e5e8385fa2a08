#!/usr/bin/env node
// `portcullis check <issuer> [--json] [--admin-token <token>]`: the self-check
// of a deployment (DESIGN.md contract 6). Node 20 built-ins only, so it runs
// from `npx` without the project's dependencies.
import { formatJson, formatText, summarize } from '../check/report.mjs';
import { runChecks } from '../check/run.mjs';

const USAGE = `usage: portcullis check <issuer URL> [--json] [--admin-token <token>]

  Checks a Portcullis deployment from the outside: discovery against behaviour,
  issuer and TLS, /jwks caching, PAR refusals, page security headers, and with
  an admin token (or PORTCULLIS_ADMIN_TOKEN) a whole login with a temporary
  client and user that it deletes afterwards.
  Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad usage.`;

function parse(argv) {
  const args = { json: false, adminToken: process.env.PORTCULLIS_ADMIN_TOKEN || undefined, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--admin-token') args.adminToken = argv[++i];
    else if (a.startsWith('--admin-token=')) args.adminToken = a.slice('--admin-token='.length);
    else if (a === '-h' || a === '--help') args.help = true;
    else if (a.startsWith('-')) args.error = `unknown option ${a}`;
    else args.positional.push(a);
  }
  return args;
}

const args = parse(process.argv.slice(2));
const [command, issuer] = args.positional;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
let valid = command === 'check' && issuer && !args.error && args.positional.length === 2;
try {
  valid &&= ['http:', 'https:'].includes(new URL(issuer).protocol);
} catch {
  valid = false;
}
if (!valid) {
  console.error(`${args.error ? `${args.error}\n` : ''}${USAGE}`);
  process.exit(2);
}

const lines = await runChecks(issuer, { adminToken: args.adminToken });
console.log(args.json ? formatJson(issuer, lines) : formatText(issuer, lines, { colour: process.stdout.isTTY && !process.env.NO_COLOR }));
process.exitCode = summarize(lines).exitCode;
