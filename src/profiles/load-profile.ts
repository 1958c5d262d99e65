import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Profile } from '../model/profile.js';

/** Profiles ship as JSON beside this file (copied next to the compiled code by the build). */
const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, '..', '..', 'src', 'profiles');

export const profileNames = ['ningxia', 'national'] as const;

const cache = new Map<string, Profile>();

/** A profile by name, or from a JSON file path; validated, so a broken file says which field is wrong. */
export function loadProfile(nameOrPath: string): Profile {
  const cached = cache.get(nameOrPath);
  if (cached) return cached;
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(sourceDir, `${nameOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ProfileError(`找不到或无法读取评分方案“${nameOrPath}”(${path})。可用的方案：${profileNames.join('、')}。`);
  }
  const parsed = Profile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；');
    throw new ProfileError(`评分方案“${nameOrPath}”格式不正确：${issues}`);
  }
  cache.set(nameOrPath, parsed.data);
  return parsed.data;
}

export class ProfileError extends Error {
  readonly code = 'PROFILE_INVALID';
}
