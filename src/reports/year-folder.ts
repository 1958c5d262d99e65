import { safeSegment } from '../archive/safe-name.js';
import type { ManifestForm } from '../model/manifest.js';

export const UNKNOWN_YEAR = '未知年度';

/** The folder a form's year gets in the archive (and the name its year pages are filed under). */
export const yearFolder = (f: ManifestForm): string => safeSegment(f.year === null ? UNKNOWN_YEAR : String(f.year));
