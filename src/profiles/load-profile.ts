import { readFileSync } from 'node:fs';
import type { LayoutVariant } from '../model/form-input.js';
import { Profile, type ProfileChoice } from '../model/profile.js';
import department from './department.json' with { type: 'json' };
import national from './national.json' with { type: 'json' };
import ningxia from './ningxia.json' with { type: 'json' };

/** The shipped profiles, compiled in (no file to find at run time, whatever the install). */
const builtin: Record<string, unknown> = { ningxia, national, department };
export const profileNames = Object.keys(builtin);

/** The profile of each layout, for `--profile auto`: the form says which rules it was printed under. */
const byLayout: Record<LayoutVariant, string> = { ningxia10: 'ningxia', national11: 'national', department: 'department' };

const cache = new Map<string, Profile>();

function validate(raw: unknown, nameOrPath: string): Profile {
  const parsed = Profile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；');
    throw new ProfileError(`评分方案“${nameOrPath}”格式不正确：${issues}`);
  }
  return parsed.data;
}

/** A profile by name, or from a JSON file path; validated, so a broken file says which field is wrong. */
export function loadProfile(nameOrPath: string): Profile {
  const cached = cache.get(nameOrPath);
  if (cached) return cached;
  let raw: unknown = builtin[nameOrPath];
  if (raw === undefined) {
    if (!nameOrPath.toLowerCase().endsWith('.json'))
      throw new ProfileError(`没有名为“${nameOrPath}”的评分方案。可用的方案：auto(按表样自动选择)、${profileNames.join('、')}，或一个方案 JSON 文件的路径。`);
    try {
      raw = JSON.parse(readFileSync(nameOrPath, 'utf8').replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new ProfileError(`找不到或无法读取评分方案文件“${nameOrPath}”(${error instanceof Error ? error.message : String(error)})。请检查路径，或使用 ${profileNames.join('、')}。`);
    }
  }
  const profile = validate(raw, nameOrPath);
  cache.set(nameOrPath, profile);
  return profile;
}

export function profileForLayout(layout: LayoutVariant): Profile {
  return loadProfile(byLayout[layout]);
}

/** `auto` (or nothing) lets each form pick by its layout; anything else forces that profile. */
export function profileChoice(nameOrPath: string | undefined, from: 'option' | 'config'): ProfileChoice {
  if (nameOrPath === undefined || nameOrPath === 'auto') return { kind: 'auto' };
  return { kind: 'fixed', profile: loadProfile(nameOrPath), from };
}

/** The profile a form is scored by under a choice, and why. */
export function resolveProfile(choice: ProfileChoice, layout: LayoutVariant): { profile: Profile; from: 'layout' | 'option' | 'config' } {
  return choice.kind === 'auto' ? { profile: profileForLayout(layout), from: 'layout' } : { profile: choice.profile, from: choice.from };
}

export class ProfileError extends Error {
  readonly code = 'PROFILE_INVALID';
}
