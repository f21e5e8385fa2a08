import { createLocalJWKSet, type CryptoKey, type JWK } from 'jose';
import { ConfigError, type SigningAlg } from '../config';
import { generateSigningKey, importPrivateKey, isEncryptionAlg, toPublicJwk, type KeyAlg } from '../crypto/keys';
import type { KeyStore, StoredKey } from '../objects/key-store';
import type { IsolateCache } from './isolate-cache';
import type { DecryptionKey, KeyRing, KeyRotation, KeySchedule, KeyStorePort, SigningKey, StagedKey } from './ports';

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

type RingKey = { alg: string; kid: string; privateJwk: JWK; publicJwk: JWK; signing: boolean; signs_from?: number };

function ringFrom(keys: RingKey[]): KeyRing {
  const active: Record<string, SigningKey> = {};
  const staged: StagedKey[] = [];
  const decryption: DecryptionKey[] = [];
  for (const k of keys) {
    // Encryption keys decrypt while published, staged and retired ones too (RFC 9101 §6.1); they never sign.
    if (isEncryptionAlg(k.alg)) decryption.push({ kid: k.kid, alg: k.alg, cryptoKey: lazyImport(k) });
    else if (k.signing && !active[k.alg]) active[k.alg] = { kid: k.kid, alg: k.alg, privateJwk: k.privateJwk, cryptoKey: lazyImport(k) };
    else if (k.signs_from !== undefined) staged.push({ kid: k.kid, alg: k.alg, signs_from: k.signs_from });
  }
  // Signing keys first: a reader that looks for the signing keys finds them at the head of /jwks.
  const publicKeys = [...keys.filter((k) => !isEncryptionAlg(k.alg)), ...keys.filter((k) => isEncryptionAlg(k.alg))].map((k) => k.publicJwk);
  return { active, staged, decryption, publicKeys, verifier: createLocalJWKSet({ keys: publicKeys }), jwksJson: JSON.stringify({ keys: publicKeys }) };
}

/**
 * The ring at `now` (DESIGN.md "Key retirement is by time, not count"): per
 * algorithm the newest key whose `active_from` has come signs; newer ones are
 * staged (published, not signing); older ones are published until `retention`
 * after their successor began signing. `stored` comes newest first, as KeyStore.list gives it.
 */
export function ringAt(stored: StoredKey[], now: number, retention: number): KeyRing {
  const byNewest = [...stored].sort((a, b) => b.active_from - a.active_from); // stable: the store's order breaks ties
  const successorStart = new Map<string, number>();
  const keys: RingKey[] = [];
  for (const s of byNewest) {
    const next = successorStart.get(s.alg);
    if (s.active_from <= now) successorStart.set(s.alg, s.active_from);
    if (next !== undefined && next + retention <= now) continue;
    const ring = { alg: s.alg, kid: s.kid, privateJwk: JSON.parse(s.private_jwk) as JWK, publicJwk: JSON.parse(s.public_jwk) as JWK };
    keys.push(s.active_from > now ? { ...ring, signing: false, signs_from: s.active_from } : { ...ring, signing: next === undefined });
  }
  return ringFrom(keys);
}

async function generateSet(algs: readonly KeyAlg[], created_at: number, active_from: number): Promise<StoredKey[]> {
  const keys = await Promise.all(algs.map(generateSigningKey));
  return keys.map((k) => ({
    kid: k.kid, alg: k.alg, private_jwk: JSON.stringify(k.privateJwk), public_jwk: JSON.stringify(k.publicJwk), created_at, active_from,
  }));
}

/**
 * Keys generated once and kept in one KEYS Durable Object, named by the
 * services' key-store slot (`objectName`, "primary" today), on the schedule
 * `times`. The ring is kept in the services' cache for KEY_CACHE_MS under the
 * tenant slot.
 */
export class DurableKeyStore implements KeyStorePort {
  private loading: Promise<KeyRing> | undefined;

  constructor(
    private readonly ns: DurableObjectNamespace<KeyStore>,
    /** The signing algs and the encryption slots (RSA-OAEP-256, ECDH-ES) that each get a key. */
    private readonly algs: readonly KeyAlg[],
    private readonly times: KeySchedule,
    private readonly now: () => number,
    private readonly cache: IsolateCache<KeyRing>,
    private readonly slot: { tenant: string; objectName: string },
  ) {}

  private get stub() {
    return this.ns.get(this.ns.idFromName(this.slot.objectName));
  }

  private get clock() {
    return { now: this.now(), retention: this.times.retention };
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
    return this.keep(ringAt(await this.stored(), this.now(), this.times.retention));
  }

  /** The stored keys, after generating one for each algorithm that has none signing (a fresh store). */
  private async stored(): Promise<StoredKey[]> {
    const now = this.now();
    const stored = await this.stub.list();
    const missing = this.algs.filter((alg) => !stored.some((k) => k.alg === alg && k.active_from <= now));
    return missing.length ? this.stub.initialize(await generateSet(missing, now, now), now) : stored;
  }

  /** Stages the next keys to sign after `publishDelay`; keys already staged are kept, not replaced. */
  async rotate(mode: KeyRotation = 'staged'): Promise<KeyRing> {
    const { now, retention } = this.clock;
    if (mode === 'staged') {
      const { keys } = await this.stub.stage(await generateSet(this.algs, now, now + this.times.publishDelay), this.clock);
      return this.keep(ringAt(keys, now, retention));
    }
    const keys = await this.stub.activateNow(await generateSet(this.algs, now, now), this.clock, mode === 'withdraw');
    return this.keep(ringAt(keys, now, retention));
  }

  /**
   * The scheduled tick: stages the next keys when the current ones will have
   * signed for `interval` by the time the staged ones start, and prunes keys
   * past retention. Whether rotation is due is decided inside the Durable Object.
   */
  async tick(): Promise<{ staged: boolean; ring: KeyRing }> {
    const stored = await this.stored();
    const { now, retention } = this.clock;
    const startsAt = now + this.times.publishDelay;
    const newest = Math.max(...stored.filter((k) => k.active_from <= now).map((k) => k.active_from));
    const due = this.times.interval > 0 && !stored.some((k) => k.active_from > now) && newest + this.times.interval <= startsAt;
    // Ticks that cannot be due generate no keys (RSA above all); on the others the object decides.
    if (!due) return { staged: false, ring: this.keep(ringAt(stored, now, retention)) };
    const result = await this.stub.stage(await generateSet(this.algs, now, startsAt), this.clock, this.times.interval);
    return { staged: result.staged, ring: this.keep(ringAt(result.keys, now, retention)) };
  }

  private keep(ring: KeyRing): KeyRing {
    this.cache.set(this.slot.tenant, this.slot.objectName, ring);
    return ring;
  }
}

/**
 * Keys from the SIGNING_KEYS secret: a private JWKS whose keys each carry
 * `kid` and `alg`; keys with `use: "enc"` are our encryption keys (none: no
 * encrypted request objects, and discovery does not offer them).
 */
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
      // RFC 9101 §6.1: `use: "enc"` keys open encrypted request objects; their alg names the slot.
      if ((k.use === 'enc') !== isEncryptionAlg(k.alg)) throw new ConfigError('SIGNING_KEYS', 'has a key whose use and alg disagree (use "enc" goes with alg RSA-OAEP-256 or ECDH-ES, and only with them)');
      return { alg: k.alg, kid: k.kid, privateJwk: k, publicJwk: toPublicJwk(k), signing: true };
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

  /** Nothing is scheduled: SIGNING_KEYS is rotated by whoever sets the secret. */
  async tick(): Promise<{ staged: boolean; ring: KeyRing }> {
    return { staged: false, ring: this.keyRing };
  }
}
