import { createLocalJWKSet, type CryptoKey, type JWK } from 'jose';
import { ConfigError, type Config, type SigningAlg } from '../config';
import { generateSigningKey, importPrivateKey, toPublicJwk } from '../crypto/keys';
import type { KeyStore, StoredKey } from '../objects/key-store';
import type { IsolateCache } from './isolate-cache';
import type { KeyRing, KeyStorePort, SigningKey } from './ports';

/** How long (ms) an isolate keeps the key ring before asking the Durable Object again. */
export const KEY_CACHE_MS = 5 * 60 * 1000;

/** Imports the key on first use and keeps the promise; a failed import is retried next time. */
function lazyImport(key: { kid: string; alg: string; privateJwk: JWK }): () => Promise<CryptoKey> {
  let pending: Promise<CryptoKey> | undefined;
  return () => {
    pending ??= importPrivateKey(key).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

function ringFrom(keys: Array<{ alg: string; kid: string; privateJwk: JWK; publicJwk: JWK; retired: boolean }>): KeyRing {
  const active: Record<string, SigningKey> = {};
  for (const k of keys) {
    if (!k.retired && !active[k.alg]) active[k.alg] = { kid: k.kid, alg: k.alg, privateJwk: k.privateJwk, cryptoKey: lazyImport(k) };
  }
  const publicKeys = keys.map((k) => k.publicJwk);
  return { active, publicKeys, verifier: createLocalJWKSet({ keys: publicKeys }), jwksJson: JSON.stringify({ keys: publicKeys }) };
}

function fromStored(stored: StoredKey[]): KeyRing {
  return ringFrom(stored.map((s) => ({
    alg: s.alg, kid: s.kid, privateJwk: JSON.parse(s.private_jwk), publicJwk: JSON.parse(s.public_jwk), retired: s.retired_at !== null,
  })));
}

async function generateSet(algs: SigningAlg[], now: number): Promise<StoredKey[]> {
  const keys = await Promise.all(algs.map(generateSigningKey));
  return keys.map((k) => ({
    kid: k.kid, alg: k.alg, private_jwk: JSON.stringify(k.privateJwk), public_jwk: JSON.stringify(k.publicJwk), created_at: now, retired_at: null,
  }));
}

/**
 * Keys generated once and kept in one KEYS Durable Object, named by the
 * services' key-store slot (`objectName`, "primary" today). The ring is kept
 * in the services' cache for KEY_CACHE_MS under the tenant slot.
 */
export class DurableKeyStore implements KeyStorePort {
  private loading: Promise<KeyRing> | undefined;

  constructor(
    private readonly ns: DurableObjectNamespace<KeyStore>,
    private readonly config: Config,
    private readonly now: () => number,
    private readonly cache: IsolateCache<KeyRing>,
    private readonly slot: { tenant: string; objectName: string },
  ) {}

  private get stub() {
    return this.ns.get(this.ns.idFromName(this.slot.objectName));
  }

  ring(): Promise<KeyRing> {
    const cached = this.cache.get(this.slot.tenant, this.slot.objectName);
    if (cached) return Promise.resolve(cached);
    // Single flight: concurrent requests on a cold isolate share one load (and one key generation).
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<KeyRing> {
    let stored = await this.stub.list();
    const missing = this.config.signingAlgs.filter((alg) => !stored.some((k) => k.alg === alg && k.retired_at === null));
    if (missing.length) stored = await this.stub.initialize(await generateSet(missing, this.now()));
    return this.keep(fromStored(stored));
  }

  async rotate(): Promise<KeyRing> {
    const stored = await this.stub.rotate(await generateSet(this.config.signingAlgs, this.now()), this.now(), this.config.retiredKeysKept);
    return this.keep(fromStored(stored));
  }

  private keep(ring: KeyRing): KeyRing {
    this.cache.set(this.slot.tenant, this.slot.objectName, ring);
    return ring;
  }
}

/** Keys from the SIGNING_KEYS secret: a private JWKS whose keys each carry `kid` and `alg`. */
export class StaticKeyStore implements KeyStorePort {
  private readonly keyRing: KeyRing;

  constructor(jwks: string, algs: readonly SigningAlg[]) {
    let parsed: { keys?: JWK[] };
    try {
      parsed = JSON.parse(jwks);
    } catch {
      throw new ConfigError('SIGNING_KEYS', 'is not valid JSON');
    }
    if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new ConfigError('SIGNING_KEYS', 'must be a JWK Set with keys');
    this.keyRing = ringFrom(parsed.keys.map((k) => {
      if (!k.kid || !k.alg || !k.d) throw new ConfigError('SIGNING_KEYS', 'needs kid, alg and the private part on every key');
      if (!['EC', 'OKP', 'RSA'].includes(k.kty ?? '')) throw new ConfigError('SIGNING_KEYS', `has a key of unsupported kty "${k.kty}"`);
      return { alg: k.alg, kid: k.kid, privateJwk: k, publicJwk: toPublicJwk(k), retired: false };
    }));
    const missing = algs.find((alg) => !this.keyRing.active[alg]);
    if (missing) throw new ConfigError('SIGNING_KEYS', `has no key for ${missing}, which SIGNING_ALGS lists`);
  }

  async ring(): Promise<KeyRing> {
    return this.keyRing;
  }

  async rotate(): Promise<KeyRing> {
    throw new Error('static');
  }
}
