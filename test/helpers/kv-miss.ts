/**
 * The real local KV, wrapped so that its first `get` of a pushed request
 * answers null, as a read at another edge location can in rare cases before
 * the write reaches it (Cloudflare KV, "How KV works"). Counts those gets.
 */
export function missingOnce(kv: KVNamespace): { kv: KVNamespace; gets: () => number } {
  let gets = 0;
  const wrapped = new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
      return (key: string, ...rest: unknown[]) => {
        if (!key.startsWith('par:')) return (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
        gets += 1;
        return gets === 1 ? Promise.resolve(null) : (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return { kv: wrapped, gets: () => gets };
}
