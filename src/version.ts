import { packageJson } from './package-root.js';

export const version = packageJson.version;
export const generator = `ziping ${version}`;
