/** Request ids: sortable by time, unique without coordination. Web Crypto only. */
export function newRequestId(): string {
  return `zen_${Date.now().toString(36)}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
