import { afterEach, describe, expect, it, vi } from 'vitest';
import { appWith } from '../helpers/par';

/**
 * A deployed Worker with a bad setting answers server_error naming it
 * (test/unit/config.test.ts) and logs one `config_error` line with the setting
 * and the request id, so Workers Logs shows the cause (README "Deploying").
 */
afterEach(() => vi.restoreAllMocks());

describe('a Worker with an invalid setting', () => {
  it('logs config_error with the setting and the request id it answered under', async () => {
    const errors = vi.spyOn(console, 'error');
    const res = await appWith({ PAR_LIFETIME: '9999' })('/.well-known/openid-configuration');
    expect(res.status).toBe(500);
    const lines = errors.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>).filter((l) => l.event === 'config_error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error', setting: 'PAR_LIFETIME', request_id: res.headers.get('x-request-id'),
      message: 'Invalid configuration: PAR_LIFETIME must be an integer from 5 to 600, got "9999"',
    });
  });
});
