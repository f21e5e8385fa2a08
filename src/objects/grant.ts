import { DurableObject } from 'cloudflare:workers';

/**
 * One authorization ("grant"), addressed by the handle inside its request_uri,
 * code and refresh tokens. A small state machine, atomic because a Durable
 * Object handles one event at a time:
 *
 *   (empty) ──issueCode──▶ code_issued ──redeemCode──▶ active ──revoke──▶ revoked
 *                               └──── a second redeemCode (replay) ─────────▲
 *
 * It holds no OAuth rules: callers pass hashes and the values to compare, and
 * get tagged results back (RPC loses error subclasses, see STYLE.md).
 */
/**
 * The protocol layer's grant data, opaque here. Its values are spelled out
 * (not `unknown`) so the RPC stub can prove them serializable and keeps the
 * success branches of the results below.
 */
export type GrantDataRecord = Record<string, string | number | boolean | string[] | undefined>;

export interface GrantRecord {
  status: 'code_issued' | 'active' | 'revoked';
  code_hash: string;
  code_expires_at: number;
  /** Values a redemption must present exactly (client_id, redirect_uri, PKCE challenge). */
  bindings: Record<string, string>;
  /** Opaque to this object: the protocol layer's grant data (sub, scope, claims, sid …). */
  data: GrantDataRecord;
  expires_at: number;
  /** `key`: what every refresh must present to match (a public client's DPoP key thumbprint, RFC 9449 §5). */
  refresh?: { current: string; previous?: string; rotated_at?: number; expires_at: number; key?: string };
  revoked_jtis: string[];
}

export type Failure<R extends string> = { ok: false; reason: R; field?: string };

export type IssueCodeResult = { ok: true } | Failure<'used'>;
export type RedeemResult =
  | { ok: true; data: GrantDataRecord }
  | Failure<'unknown' | 'expired' | 'mismatch' | 'replayed' | 'revoked'>;
export type RefreshResult =
  | { ok: true; data: GrantDataRecord; refresh_expires_at: number }
  | Failure<'unknown' | 'expired' | 'reused' | 'revoked' | 'mismatch'>;
export type CheckRefreshResult =
  | { ok: true; data: GrantDataRecord; refresh_expires_at: number; current: boolean }
  | Failure<'unknown' | 'expired' | 'reused' | 'revoked' | 'mismatch'>;
export type StatusResult = { active: true; data: GrantDataRecord } | { active: false };

const KEY = 'grant';
/** Prefix of one storage key per rotated refresh token hash (value: when it was rotated out). */
const ROTATED = 'rotated:';

const encoder = new TextEncoder();

/**
 * Constant-time comparison, synchronous on purpose: nothing may be awaited
 * between a method's load() and save() (see Grant), or a concurrent call can
 * read the same state. The values compared are hashes and public bindings,
 * so their lengths reveal nothing.
 */
function sameSecret(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  return x.byteLength === y.byteLength && crypto.subtle.timingSafeEqual(x, y);
}

export class Grant extends DurableObject<unknown> {
  // Atomicity rule: load(), the checks and the write inside save() run with no
  // await in between (synchronous SQLite-backed KV), so concurrent calls cannot
  // both see the old state. Any await there, even `await this.load()`, let 2-3
  // of 20 parallel redemptions of one code succeed.
  private load(): GrantRecord | undefined {
    return this.ctx.storage.kv.get<GrantRecord>(KEY);
  }

  /**
   * Writes the record (synchronously). The expiry alarm is set only with the
   * first write: `expires_at` only ever grows, and `alarm()` moves itself to
   * the current `expires_at` when it fires early, so a redemption or rotation
   * costs no alarm write on the token path.
   */
  private async save(record: GrantRecord, previous?: GrantRecord): Promise<void> {
    this.ctx.storage.kv.put(KEY, record);
    if (previous === undefined) await this.ctx.storage.setAlarm(record.expires_at * 1000);
  }

  /** Records the issued code. Succeeds once per grant: this is where a request_uri is consumed (DESIGN.md). */
  async issueCode(input: {
    code_hash: string; code_expires_at: number; bindings: Record<string, string>; data: GrantDataRecord; expires_at: number;
  }): Promise<IssueCodeResult> {
    if (this.load()) return { ok: false, reason: 'used' };
    await this.save({ ...input, status: 'code_issued', revoked_jtis: [] });
    return { ok: true };
  }

  /**
   * Redeems the code once. A mismatching binding leaves the code usable; a
   * second redemption of a redeemed code revokes the grant (RFC 6749 §4.1.2).
   */
  async redeemCode(input: {
    code_hash: string; presented: Record<string, string>; now: number; refresh_hash?: string; refresh_expires_at?: number; expires_at: number;
    refresh_key?: string;
  }): Promise<RedeemResult> {
    const record = this.load();
    if (!record || !sameSecret(record.code_hash, input.code_hash)) return { ok: false, reason: 'unknown' };
    if (record.status === 'revoked') return { ok: false, reason: 'revoked' };
    if (record.status === 'active') {
      await this.save({ ...record, status: 'revoked' }, record);
      return { ok: false, reason: 'replayed' };
    }
    if (record.code_expires_at <= input.now) return { ok: false, reason: 'expired' };
    for (const [field, expected] of Object.entries(record.bindings)) {
      if (!sameSecret(expected, input.presented[field] ?? '')) return { ok: false, reason: 'mismatch', field };
    }
    const refresh = input.refresh_hash
      ? { current: input.refresh_hash, expires_at: input.refresh_expires_at!, ...(input.refresh_key !== undefined && { key: input.refresh_key }) }
      : undefined;
    await this.save({ ...record, status: 'active', refresh, expires_at: Math.max(record.expires_at, input.expires_at) }, record);
    return { ok: true, data: record.data };
  }

  /**
   * Which of this grant's refresh tokens `hash` is: the current one, the
   * previous one (the only one a grace retry may present), an older rotated
   * one, or none. Rotated hashes are kept one storage key each, so finding one
   * costs a single synchronous read and the record does not grow.
   */
  private refreshTokenKind(refresh: NonNullable<GrantRecord['refresh']>, hash: string): 'current' | 'previous' | 'rotated' | undefined {
    if (sameSecret(refresh.current, hash)) return 'current';
    if (refresh.previous !== undefined && sameSecret(refresh.previous, hash)) return 'previous';
    return this.ctx.storage.kv.get(ROTATED + hash) === undefined ? undefined : 'rotated';
  }

  /** Marks the presented family as stolen: any reuse of a rotated token revokes the grant (RFC 9700 §4.14.2). */
  private async revokeForReuse(record: GrantRecord): Promise<Failure<'reused'>> {
    await this.save({ ...record, status: 'revoked' }, record);
    return { ok: false, reason: 'reused' };
  }

  /**
   * Whether a token of `kind` is a reuse: any rotated token, and the previous
   * one once `grace_seconds` have passed since its rotation (the window is
   * strict, so a grace of 0 never accepts it).
   */
  private isReuse(kind: 'current' | 'previous' | 'rotated', refresh: NonNullable<GrantRecord['refresh']>, now: number, grace: number): boolean {
    if (kind === 'rotated') return true;
    return kind === 'previous' && !(now - (refresh.rotated_at ?? 0) < grace);
  }

  /**
   * Rotates the refresh token. The previous token is accepted again only
   * within `grace_seconds` of its rotation; the reuse of any other rotated
   * token revokes the whole grant (RFC 9700 §4.14.2).
   */
  async rotateRefresh(input: { presented_hash: string; next_hash: string; now: number; grace_seconds: number; presented_key?: string }): Promise<RefreshResult> {
    const record = this.load();
    const refresh = record?.refresh;
    if (!record || !refresh) return { ok: false, reason: 'unknown' };
    if (record.status === 'revoked') return { ok: false, reason: 'revoked' };
    const kind = this.refreshTokenKind(refresh, input.presented_hash);
    if (!kind) return { ok: false, reason: 'unknown' };
    if (refresh.expires_at <= input.now) return { ok: false, reason: 'expired' };
    if (this.isReuse(kind, refresh, input.now, input.grace_seconds)) return this.revokeForReuse(record);
    // A bound token presented without its key leaves everything as it was: the holder may retry with the key.
    if (!this.keyMatches(refresh, input.presented_key)) return { ok: false, reason: 'mismatch', field: 'key' };
    // A normal rotation retires the current token for good. A grace retry replaces a token whose response
    // was presumably lost; that token is forgotten (unknown), not counted as reuse.
    if (kind === 'current') this.ctx.storage.kv.put(ROTATED + refresh.current, input.now);
    const previous = kind === 'current' ? refresh.current : refresh.previous;
    const rotated_at = kind === 'current' ? input.now : refresh.rotated_at;
    await this.save({ ...record, refresh: { ...refresh, current: input.next_hash, previous, rotated_at } }, record);
    return { ok: true, data: record.data, refresh_expires_at: refresh.expires_at };
  }

  /**
   * Finds which refresh token of this grant `presented_hash` is, without
   * rotating it (RFC 7009 revocation, RFC 7662 introspection). With
   * `grace_seconds` (the refresh grant checking scope first), a reused rotated
   * token revokes the grant exactly as rotateRefresh would; without it a
   * rotated token is simply `unknown`.
   */
  async checkRefresh(input: { presented_hash: string; now: number; grace_seconds?: number; presented_key?: string }): Promise<CheckRefreshResult> {
    const record = this.load();
    const refresh = record?.refresh;
    if (!record || !refresh) return { ok: false, reason: 'unknown' };
    const kind = this.refreshTokenKind(refresh, input.presented_hash);
    if (!kind || (kind === 'rotated' && input.grace_seconds === undefined)) return { ok: false, reason: 'unknown' };
    if (record.status === 'revoked') return { ok: false, reason: 'revoked' };
    if (refresh.expires_at <= input.now) return { ok: false, reason: 'expired' };
    if (input.grace_seconds !== undefined && this.isReuse(kind, refresh, input.now, input.grace_seconds)) return this.revokeForReuse(record);
    if (!this.keyMatches(refresh, input.presented_key)) return { ok: false, reason: 'mismatch', field: 'key' };
    return { ok: true, data: record.data, refresh_expires_at: refresh.expires_at, current: kind === 'current' };
  }

  /** Whether a refresh presents the key its tokens are bound to; `undefined` (introspection, revocation) is not checked. */
  private keyMatches(refresh: NonNullable<GrantRecord['refresh']>, presented: string | undefined): boolean {
    return refresh.key === undefined || presented === undefined || sameSecret(refresh.key, presented);
  }

  /** Whether tokens of this grant are still good; `jti` also checks a single revoked access token. */
  async status(input: { now: number; jti?: string }): Promise<StatusResult> {
    const record = this.load();
    if (!record || record.status !== 'active' || record.expires_at <= input.now) return { active: false };
    if (input.jti && record.revoked_jtis.includes(input.jti)) return { active: false };
    return { active: true, data: record.data };
  }

  /**
   * Revokes the grant and everything issued from it. Returns the grant data (for logout fan-out).
   * With `keep_offline` a grant whose scope holds `offline_access` stays, decided here in one
   * step (logout keeps offline grants, OpenID Connect Core §11; DESIGN.md "What logout ends").
   */
  async revoke(input: { keep_offline?: boolean } = {}): Promise<{ revoked: boolean; data?: GrantDataRecord }> {
    const record = this.load();
    if (!record) return { revoked: false };
    if (input.keep_offline && typeof record.data.scope === 'string' && record.data.scope.split(' ').includes('offline_access')) {
      return { revoked: false, data: record.data };
    }
    if (record.status !== 'revoked') await this.save({ ...record, status: 'revoked' }, record);
    return { revoked: true, data: record.data };
  }

  /** Revokes one access token (RFC 7009 §2.1) while its grant lives on. */
  async revokeAccessToken(input: { jti: string }): Promise<void> {
    const record = this.load();
    if (!record || record.revoked_jtis.includes(input.jti)) return;
    await this.save({ ...record, revoked_jtis: [...record.revoked_jtis.slice(-99), input.jti] }, record);
  }

  override async alarm(): Promise<void> {
    const record = this.load();
    if (record && record.expires_at * 1000 > Date.now()) await this.ctx.storage.setAlarm(record.expires_at * 1000);
    else await this.ctx.storage.deleteAll();
  }
}
