import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { Session } from '../objects/session';
import type { ActiveSession, SessionPort, SessionRecord } from './ports';

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions in one Session Durable Object per sid. The browser holds a random
 * 256-bit secret; the sid is base64url(SHA-256(secret)). The sid reaches
 * relying parties (ID token `sid`, logout tokens), so it must not be usable as
 * the cookie: knowing a sid gives no way to the secret.
 */
export class DurableSessionStore implements SessionPort {
  constructor(private readonly ns: DurableObjectNamespace<Session>, private readonly now: () => number) {}

  private stub(sid: string) {
    return this.ns.get(this.ns.idFromName(sid));
  }

  async start(input: { sub: string; auth_time: number; amr: string[]; acr?: string; expires_at: number; browser_state?: string }) {
    const secret = randomToken(32);
    const sid = await sha256b64(secret);
    await this.stub(sid).start(input);
    return { secret, sid };
  }

  async fromSecret(secret: string): Promise<ActiveSession | null> {
    if (!SECRET.test(secret)) return null;
    const sid = await sha256b64(secret);
    const record = await this.stub(sid).get({ now: this.now() });
    return record ? { ...record, sid } : null;
  }

  async get(sid: string): Promise<ActiveSession | null> {
    const record = await this.stub(sid).get({ now: this.now() });
    return record ? { ...record, sid } : null;
  }

  addClient(sid: string, client_id: string, grant: string): Promise<boolean> {
    return this.stub(sid).addClient({ client_id, grant, now: this.now() });
  }

  end(sid: string): Promise<SessionRecord | null> {
    return this.stub(sid).end();
  }
}
