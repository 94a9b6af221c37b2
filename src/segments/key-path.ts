/**
 * Dot paths into nested traits and properties: `address.city`, `products.0.price`. A literal dot or backslash in a
 * key is escaped with a backslash (`utm\.source`), so every key stays addressable.
 */
export function parseKeyPath(text: string): string[] {
  const keys: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (char === '.') {
      keys.push(current);
      current = '';
    } else current += char;
  }
  keys.push(current);
  return keys;
}

/** The inverse of `parseKeyPath`. */
export function formatKeyPath(keys: readonly string[]): string {
  return keys.map((key) => key.replaceAll('\\', '\\\\').replaceAll('.', '\\.')).join('.');
}
