/**
 * A private JWKS for the SIGNING_KEYS secret: one key per signing algorithm, made by
 * the Worker's own generator (src/crypto/keys.ts: kid = RFC 7638 thumbprint, alg, use=sig).
 */
import { importTs } from './load-ts.mjs';

/** The algorithms to make keys for: `--algs` when given, else SIGNING_ALGS as the Worker would read it from `vars`. */
export async function signingAlgs(vars, algs) {
  const { SETTINGS } = await importTs('src/config.ts');
  const setting = SETTINGS.signingAlgs;
  return setting.parse(algs ?? vars.SIGNING_ALGS ?? setting.default, algs ? '--algs' : setting.env);
}

/** `{ keys: [...] }` with one private JWK per algorithm, in the order given (the first of each alg signs). */
export async function privateJwks(algs) {
  const { generateSigningKey } = await importTs('src/crypto/keys.ts');
  const keys = [];
  for (const alg of algs) keys.push((await generateSigningKey(alg)).privateJwk);
  return { keys };
}
