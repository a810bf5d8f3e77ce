/** HTTP headers the API's downloads share (documents, exports). */

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987), so a Chinese name survives. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
