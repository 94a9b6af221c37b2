/** Double-quoted identifier; ClickHouse escapes inside quotes with a backslash. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
