import type { ActiveSession, InteractionPort, InteractionRecord } from '../storage/ports';
import type { AuthorizationStep } from './authorization-flow';
import { spendAuthorization, type CompleteDeps } from './code-issuance';
import { AccessDenied } from './errors';
import { startInteraction } from './interaction';

/**
 * The ways out of an interaction's pages besides signing in and answering the
 * consent, so that no one is stuck on them. Both are reached by a
 * CSRF-checked POST from the page (routes/interaction.ts).
 */

/**
 * "Cancel and return to the application": spends the request as a Deny does
 * (RFC 9126 §7.3: a request_uri is for one use) and answers `access_denied`
 * (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6) through the error handler
 * to the validated response target, in the client's response mode. Before
 * any login there is no user: the grant is spent without one, and its code
 * is given to no one.
 */
export async function cancelAuthorization(
  input: { interaction: InteractionRecord; session: ActiveSession | null }, deps: CompleteDeps,
): Promise<AuthorizationStep> {
  await spendAuthorization(input.interaction, input.session ?? { sub: '', auth_time: deps.now() }, deps);
  return { kind: 'error', error: new AccessDenied('the user cancelled the sign-in') };
}

/**
 * "Not you? Sign in as someone else" on the consent page: a new interaction
 * for the same request that demands a fresh login in a new session
 * (`force_login` with the current sid as `prior_sid`, as prompt=login does,
 * OpenID Connect Core §3.1.2.1), ending when the one it replaces would have.
 * Interactions are written once (storage/ports.ts), so this one is new rather
 * than changed. The signed-in session stays until the next login in this
 * browser ends it (http/session.ts `startSession`), and the old consent page
 * cannot be answered by the new account (its binding names the old session).
 */
export async function switchAccount(
  input: { interaction: InteractionRecord; session: ActiveSession | null; browser: string },
  deps: { interactions: InteractionPort; now: () => number; config: CompleteDeps['config'] },
): Promise<AuthorizationStep> {
  const { interaction } = input;
  const login = { force_login: true, hinted_sub: interaction.hinted_sub, ends_by: interaction.expires_at };
  const { id, record } = await startInteraction(interaction, input.session, login, input.browser, deps);
  return { kind: 'login', id, interaction: record };
}
