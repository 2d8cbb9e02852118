// Module resolution hook (see use-got16.mjs): `got` and `got/...` resolve from this package.
const parentURL = new URL('../package.json', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'got' || specifier.startsWith('got/'))
    return nextResolve(specifier, { ...context, parentURL });
  return nextResolve(specifier, context);
}
