#!/usr/bin/env node
// Adds lockfile entries for platform-specific optional packages that the registry mirror used to write the lock did
// not serve (e.g. macOS and Windows builds of DuckDB, Biome and chDB). npm records such packages with their os/cpu
// and skips them on other platforms without fetching them; without the entries `npm ci` refuses the lockfile.
// Run after `npm install` changes dependencies: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platform = (name) => {
  const os = ['darwin', 'linux', 'win32', 'android', 'freebsd'].find((o) => name.includes(`-${o}`));
  const cpu = ['arm64', 'x64', 'ia32', 'arm'].find((c) => new RegExp(`-${c}(-|$)`).test(name));
  const libc = name.includes('-musl') ? 'musl' : name.includes('-gnu') || (os === 'linux' && name.includes('linux')) ? 'glibc' : undefined;
  return { os, cpu, libc: os === 'linux' ? libc : undefined };
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${path}/node_modules/${name}`;
    if (lock.packages[key] || lock.packages[nested]) continue;
    const { os, cpu, libc } = platform(name);
    if (!os || !cpu) continue;
    lock.packages[key] = { version, cpu: [cpu], optional: true, os: [os], ...(libc ? { libc: [libc] } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
