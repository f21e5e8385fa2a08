import { base64url } from './encoding';

/** `bytes` of CSPRNG output, base64url encoded (32 bytes = 256 bits by default). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A short id for correlating a response with a log line; not a secret. */
export function randomId(): string {
  return randomToken(12);
}
