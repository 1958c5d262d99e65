/** `H20、H22` for a message: addresses without the sheet, a few at most; `none` when there are none. */
export function cellList(cells: string[], none: string): string {
  const addresses = cells.map((c) => c.slice(c.lastIndexOf('!') + 1));
  return addresses.length === 0 ? none : addresses.length <= 6 ? addresses.join('、') : `${addresses.slice(0, 6).join('、')} 等 ${addresses.length} 处`;
}
