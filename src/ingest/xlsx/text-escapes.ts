/**
 * Characters XML cannot carry (control characters, a lone CR) are written by Excel as `_xHHHH_`;
 * `_x005F_` escapes the underscore of a literal `_xHHHH_`.
 */
export function unescapeXString(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
