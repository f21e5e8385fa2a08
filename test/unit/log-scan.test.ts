import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module shared with vitest.config.ts (Node side)
import { findLeaks } from '../audit/log-scan.mjs';

/** The whole-suite log scan must itself be able to fail (issue 4: no secrets in logs). */
describe('log scan', () => {
  const secret = 'Zk3mQ9v0b2XyL8pT4rW6sN1aC5dE7fG0hJ2kL4mN6pQ';
  const code = `${'a'.repeat(43)}.${'B'.repeat(43)}`;
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

  it('flags a line holding an announced secret', () => {
    expect(findLeaks({ secrets: new Set([secret]), lines: [`{"event":"x","detail":"${secret}"}`] })).toHaveLength(1);
  });

  it('flags JWT-shaped and code-shaped strings without any announcement', () => {
    const leaks = findLeaks({ secrets: new Set(), lines: [`token ${jwt}`, `code=${code}`] }) as { what: string }[];
    expect(leaks.map((l) => l.what)).toEqual(['JWT', 'code or refresh token']);
  });

  it('passes identifiers: request ids, client ids, key ids', () => {
    const line = '{"event":"admin_keys_rotated","request_id":"8te4Is-nkxgcFH3t","kids":"6G80g8pXkgAgd3cq3-GbYa38oJYSqZHUupCb_KTgZ0E"}';
    expect(findLeaks({ secrets: new Set([secret]), lines: [line] })).toEqual([]);
  });
});
