import type { Consent } from '../storage/ports';
import { promptValues } from './interaction';
import type { AuthorizationRequest } from './types';

/**
 * Whether the remembered consent covers every requested scope, and
 * prompt=consent did not ask again (OpenID Connect Core §3.1.2.4).
 */
export function consentCovers(request: AuthorizationRequest, consent: Consent | null): boolean {
  if (promptValues(request).includes('consent') || !consent) return false;
  const granted = new Set(consent.scope.split(' '));
  return request.scope.split(' ').filter(Boolean).every((s) => granted.has(s));
}
