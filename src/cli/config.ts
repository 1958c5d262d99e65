import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ScoreMode } from '../model/profile.js';
import { DEFAULT_NAME_PATTERN } from '../archive/output-names.js';

/** `ziping.config.json`: the settings an office keeps beside its folders instead of typing options. */
export const Config = z
  .object({
    /** `auto` (each form by its layout), a profile name, or a profile JSON file */
    profile: z.string().min(1).default('auto'),
    scores: ScoreMode.default('auto'),
    out: z.string().min(1).default('out'),
    /** handlebars pattern of output paths without extension: {{年度}} {{主管部门}} {{实施单位}} {{项目名称}} {{文件名}} {{工作表}} */
    names: z
      .string()
      .min(1)
      .default(DEFAULT_NAME_PATTERN)
      .refine((p) => /\{\{\s*(项目名称|文件名|工作表)\s*\}\}/.test(p), { message: '命名规则中至少要有 {{项目名称}}、{{文件名}} 或 {{工作表}} 之一，否则不同项目会重名' }),
    /** the archive's name on the title page of each year's report (年度报告.pdf); default the output folder's name */
    archiveName: z.string().trim().min(1).max(200).optional(),
    /** a folder holding the four font files of fonts/ (same names), to print with other faces */
    fonts: z.string().min(1).optional(),
    inputs: z.array(z.string().min(1)).default(['data']),
    /** ziping serve's token, fixed so the address given to colleagues stays the same across restarts */
    serveToken: z.string().min(1).optional(),
  })
  .strict();
export type Config = z.infer<typeof Config>;

export const CONFIG_FILE = 'ziping.config.json';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * The text of a config file as Windows editors save it: Notepad writes UTF-8 with a byte-order
 * mark (older versions always, newer ones for “UTF-8 with BOM”) or UTF-16 (“Unicode”), and
 * JSON.parse rejects the mark. A file in the ANSI code page (GBK) is not guessed at: its
 * Chinese paths would come out garbled, so the user is told to save it as UTF-8.
 */
export function configText(bytes: Buffer, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff && bytes.length % 2 === 0) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ConfigError(`配置文件“${file}”不是 UTF-8 编码(可能是用“ANSI”编码保存的)。请用记事本打开，“另存为”时把编码选为“UTF-8”后保存。`);
  }
}

/** Reads and validates the config file; a missing default file is no error, a broken one is. */
export async function loadConfig(path: string | undefined): Promise<Config> {
  const file = path ?? CONFIG_FILE;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    if (path) throw new ConfigError(`找不到配置文件“${path}”。`);
    return Config.parse({});
  }
  const text = configText(bytes, file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`配置文件“${file}”不是有效的 JSON：${error instanceof Error ? error.message : String(error)}。请检查逗号和引号。`);
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(整体)'}：${i.message}`).join('；');
    throw new ConfigError(`配置文件“${file}”有误：${issues}。`);
  }
  return parsed.data;
}
