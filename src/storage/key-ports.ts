import type { CryptoKey, JWK, JWTVerifyGetKey } from 'jose';

// The signing-key port (RFC 7517 key sets, RFC 7515 `kid`): re-exported by ports.ts.
export interface SigningKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
  /** The imported private key, imported on first use and then reused for as long as its ring is cached. */
  cryptoKey(): Promise<CryptoKey>;
}

/** One of our `use: "enc"` keys (RFC 7517 §4.2), by its slot: `RSA-OAEP-256`, or `ECDH-ES` for every ECDH-ES variant. */
export interface DecryptionKey {
  kid: string;
  alg: string;
  /** The imported private key, imported on first use and reused while the ring is cached. */
  cryptoKey(): Promise<CryptoKey>;
}

/**
 * The server's keys as one immutable value. Everything derived from them
 * (imported keys, the verifying key set, the /jwks body) is built once per
 * ring and lives exactly as long as the services' cache keeps the ring.
 */
export interface KeyRing {
  /** The current signing key per algorithm. */
  active: Record<string, SigningKey>;
  /** Keys published ahead of signing, and when each starts. */
  staged: StagedKey[];
  /**
   * Every published encryption key, staged and retired ones included: a
   * client may encrypt a request object to any key /jwks showed it (RFC 9101 §6.1).
   */
  decryption: DecryptionKey[];
  /** Every public key to publish at /jwks, retired ones included: signing keys first, then encryption keys. */
  publicKeys: JWK[];
  /** `publicKeys` as a jose key set, for verifying what this server signed (RFC 7515 §4.1.4 `kid`). */
  verifier: JWTVerifyGetKey;
  /** The JWK Set document of `publicKeys`, serialized once (RFC 7517 §5). */
  jwksJson: string;
}

/** A key published at /jwks that signs from `signs_from` (epoch s). */
export interface StagedKey {
  kid: string;
  alg: string;
  signs_from: number;
}

/**
 * When generated signing keys change (DESIGN.md "Key retirement is by time,
 * not count"), in seconds. A staged key is published `publishDelay` before it
 * signs, so every cached JWK Set (RFC 7517 §5) and every isolate's key ring
 * knows it first; a retired key stays published `retention` after it stopped
 * signing, so everything it signed can be verified until it expires.
 */
export interface KeySchedule {
  publishDelay: number;
  retention: number;
  /** Seconds from one key's first signature to the next's under scheduled rotation; 0 = none. */
  interval: number;
}

/**
 * `staged`: the next keys are published now and sign after the publish delay.
 * `immediate`: new keys sign now; the previous ones retire as usual.
 * `withdraw`: new keys sign now and the previous ones leave /jwks at once (a compromised key).
 */
export type KeyRotation = 'staged' | 'immediate' | 'withdraw';

export interface KeyStorePort {
  ring(): Promise<KeyRing>;
  rotate(mode?: KeyRotation): Promise<KeyRing>;
  /** The scheduled check: stages the next keys when rotation is due. */
  tick(): Promise<{ staged: boolean; ring: KeyRing }>;
}
