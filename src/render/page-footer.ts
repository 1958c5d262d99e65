/**
 * The page number under each page, the same in the PDF and in the spreadsheet's print footer
 * (`&P`/`&N`), so a copy printed from either reads alike. Pages count within one form.
 */
export const pageFooter = (page: number, pages: number): string => `第 ${page} 页，共 ${pages} 页`;
export const SPREADSHEET_FOOTER = '&C&"宋体"&9第 &P 页，共 &N 页';
export const FOOTER_SIZE = 9;
/** From the bottom edge of the page to the bottom of the footer line, points (0.3 in, the spreadsheet default). */
export const FOOTER_FROM_BOTTOM = 0.3 * 72;
