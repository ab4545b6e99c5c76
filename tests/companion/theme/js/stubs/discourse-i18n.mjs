// A stub of discourse-i18n: returns the key and its options, so tests can see what was translated.
export function i18n(key, options) {
  return options ? `${key}|${JSON.stringify(options)}` : key;
}
