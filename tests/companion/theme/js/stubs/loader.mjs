// Node module hooks: resolve the Discourse modules the theme imports to small stubs of the plugin API.
const STUBS = {
  "discourse/lib/api": new URL("./discourse-api.mjs", import.meta.url).href,
  "discourse-i18n": new URL("./discourse-i18n.mjs", import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  if (specifier in STUBS) {
    return { url: STUBS[specifier], shortCircuit: true };
  }
  if (specifier.startsWith("../lib/") && !specifier.endsWith(".js")) {
    return nextResolve(specifier + ".js", context);
  }
  return nextResolve(specifier, context);
}
