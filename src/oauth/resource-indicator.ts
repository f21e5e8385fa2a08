/**
 * Whether `value` is a resource indicator: an absolute URI without a fragment
 * component (RFC 8707 §2, RFC 3986 §4.3), at most 2048 characters. The one
 * rule for the `resource` parameter, API identifiers and `DEFAULT_RESOURCE`.
 */
export function isResourceIndicator(value: string): boolean {
  return value.length <= 2048 && !/[\s#]/.test(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && parsesAsUrl(value);
}

function parsesAsUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
