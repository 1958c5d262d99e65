/** Documents carry this date instead of the build time, so the same input gives the same bytes. */
export const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));
