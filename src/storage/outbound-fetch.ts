import { checkOutboundTarget } from '../oauth/outbound-target';

/**
 * The one guarded way out of the Worker for client-supplied URLs (`jwks_uri`,
 * back-channel logout): public https targets only (loopback only for a local
 * issuer), no redirects, a deadline over headers and body, and a size cap
 * enforced while the body streams in. Never throws: every failure is a tagged
 * result the caller turns into its own RFC error (DESIGN.md "outbound fetches").
 */
export interface OutboundPolicy {
  /** Loopback targets allowed (the issuer itself is local: `isLocalIssuer`). */
  allowLoopback: boolean;
  /** Deadline for the whole exchange, headers and body. */
  timeoutMs: number;
  /** Largest body accepted, in bytes; reading stops as soon as it is passed. */
  maxBytes: number;
  /** Media types accepted (without parameters); a `+json` suffix matches `application/json`. Absent: any. */
  contentTypes?: readonly string[];
}

export type OutboundFailure = 'forbidden_target' | 'redirect' | 'status' | 'timeout' | 'too_large' | 'content_type' | 'network';

export type OutboundResult =
  | { ok: true; status: number; body: string }
  | { ok: false; reason: OutboundFailure; detail: string; /** The HTTP status, when the target answered one. */ status?: number };

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const fail = (reason: OutboundFailure, detail: string): OutboundResult => ({ ok: false, reason, detail });

function typeAccepted(header: string | null, accepted: readonly string[] | undefined): boolean {
  if (!accepted) return true;
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return accepted.includes(type) || (accepted.includes('application/json') && /^application\/[\w.-]+\+json$/.test(type));
}

/** A refusal decided from the status line and headers alone, before any body is read. */
function refuseHeaders(response: Response, policy: OutboundPolicy): OutboundResult | undefined {
  if (response.status >= 300 && response.status < 400) return { ...fail('redirect', `answered ${response.status}; redirects are not followed`), status: response.status };
  if (!response.ok) return { ...fail('status', `answered HTTP ${response.status}`), status: response.status };
  const type = response.headers.get('content-type');
  if (!typeAccepted(type, policy.contentTypes)) return fail('content_type', `answered content-type ${type ?? '(none)'}`);
  if (Number(response.headers.get('content-length') ?? 0) > policy.maxBytes) return fail('too_large', `the response is larger than ${policy.maxBytes} bytes`);
  return undefined;
}

/** Reads at most `maxBytes`, cancelling the stream the moment more arrives; `expired` ends the wait. */
async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number, expired: Promise<'timeout'>): Promise<OutboundResult> {
  if (!body) return { ok: true, status: 200, body: '' };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'timeout') return fail('timeout', 'the response body did not arrive in time');
      if (next.done) break;
      total += next.value.byteLength;
      if (total > maxBytes) return fail('too_large', `the response is larger than ${maxBytes} bytes`);
      chunks.push(next.value);
    }
  } catch (error) {
    return fail('network', error instanceof Error ? error.message : 'the response body could not be read');
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
  return { ok: true, status: 200, body: new TextDecoder().decode(bytes) };
}

/** Fetches `url` under `policy`; see the module comment for what is refused. */
export async function outboundFetch(url: string, policy: OutboundPolicy, request: OutboundRequest = {}): Promise<OutboundResult> {
  const target = checkOutboundTarget(url, policy.allowLoopback);
  if (!target.ok) return fail('forbidden_target', target.reason);
  const controller = new AbortController();
  let expire: (value: 'timeout') => void = () => undefined;
  const expired = new Promise<'timeout'>((resolve) => (expire = resolve));
  // Settle `expired` before aborting, so a read that the abort rejects loses the race to the timeout.
  const timer = setTimeout(() => {
    expire('timeout');
    controller.abort();
  }, policy.timeoutMs);
  try {
    // Called as a plain function: workerd refuses `fetch` invoked as a method of another object.
    const pending = fetch(target.url.href, { ...request, redirect: 'manual', signal: controller.signal });
    // A rejection after the deadline has won the race is expected, not an uncaught error.
    pending.catch(() => undefined);
    const response = await Promise.race([pending, expired]);
    if (response === 'timeout') return fail('timeout', `no answer within ${policy.timeoutMs} ms`);
    const refusal = refuseHeaders(response, policy);
    if (refusal) {
      response.body?.cancel().catch(() => undefined);
      return refusal;
    }
    const read = await readCapped(response.body, policy.maxBytes, expired);
    return read.ok ? { ...read, status: response.status } : read;
  } catch (error) {
    if (controller.signal.aborted) return fail('timeout', `no answer within ${policy.timeoutMs} ms`);
    return fail('network', error instanceof Error ? error.message : 'the request failed');
  } finally {
    clearTimeout(timer);
  }
}
