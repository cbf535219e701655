// A record's own entry for a key that comes from the user (a kernel path): never one of
// Object.prototype's members ("valueOf", "constructor").
export function ownEntry<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map && Object.hasOwn(map, key) ? map[key] : undefined;
}
