import type { Severity } from './finding.js';

/**
 * What the archive and the command line say about the run itself (the output folder, its lock,
 * the manifest, the file system), as `messages.ts` does for the forms: a stable code a support
 * person can search for, and a Chinese text that names the path and says what to do. These are not
 * bound to a cell, so they carry their own path instead of a location prefix.
 */
/** What a file-system message says: what was being done, to which path, and the folder the user can change instead (default the output folder). */
interface FsArgs {
  action: string;
  path: string;
  place?: string;
}

const OUT_PLACE = '输出文件夹(--out)';

/** Actions that only read: no advice about somewhere else to write. */
const reading = new Set(['读取', '列出文件夹', '检查', '打开']);

const catalog = {
  // ── the output folder and its lock ──
  OUT_IS_FILE: { severity: 'error', say: (a: { path: string }) => `--out 指定的“${a.path}”是一个文件，不是文件夹。请换一个文件夹名，或把该文件移走后重试。` },
  OUT_LOCKED: {
    severity: 'error',
    say: (a: { out: string; holder: string; waited: string; lock: string }) =>
      `输出文件夹“${a.out}”正由另一次运行使用(${a.holder})，已等待 ${a.waited} 秒仍未结束，本次没有写入任何文件。请等那次运行结束(或在它的窗口按 Ctrl-C 停止)后重试；如确认它已不存在，可删除锁文件“${a.lock}”。`,
  },
  OUT_LOCK_WAITING: { severity: 'info', say: (a: { out: string; holder: string; seconds: string }) => `输出文件夹“${a.out}”正由另一次运行使用(${a.holder})，最多等待 ${a.seconds} 秒…` },
  OUT_LOCK_STALE: {
    severity: 'warning',
    say: (a: { out: string; holder: string; why: string }) => `输出文件夹“${a.out}”上留有一次已中断的运行的锁(${a.holder}；${a.why})，已接管。那次运行留下的临时文件会被清理。`,
  },
  OUT_LOCK_LOST: {
    severity: 'error',
    say: (a: { out: string; holder: string }) => `运行期间，输出文件夹“${a.out}”的锁被另一次运行接管(${a.holder})。为免覆盖对方的结果，本次不再写入清单。请等那次运行结束后重新运行。`,
  },
  INPUT_INSIDE_OUT: {
    severity: 'error',
    say: (a: { input: string; out: string }) =>
      `输入“${a.input}”是输出文件夹“${a.out}”本身，或位于归档自己写入的部分(年度文件夹、.ziping、清单等)之内。这些文件不会当作输入读取；请把要处理的表格放在别处(可以是输出文件夹中与年度文件夹并列的文件夹，如“收件箱”)，或换一个 --out。`,
  },
  RUN_INTERRUPTED: {
    severity: 'error',
    say: (a: { signal: string; out: string }) => `已中止(${a.signal})。本次写了一半的临时文件已删除，“${a.out}”中已完成的输出和清单保持原样；重新运行即可继续。`,
  },
  INTERNAL_ERROR: { severity: 'error', say: (a: { detail: string }) => `程序内部出错：${a.detail}。请把这条信息和所用的命令发给维护人员(加 --debug 可显示详细的出错位置)。` },

  // ── inputs ──
  INPUT_DIR_UNREADABLE: {
    severity: 'error',
    say: (a: { path: string; reason: string }) => `无法读取文件夹“${a.path}”(${a.reason})，其中的表格没有处理，其他文件照常处理。请检查该文件夹的权限后重新运行。`,
  },
  INPUT_NOT_REGULAR: { severity: 'warning', say: (a: { path: string; kind: string }) => `“${a.path}”不是普通文件(${a.kind})，已跳过。只有普通的 .xlsx / .xls 文件会被读取。` },

  // ── the manifest and the outputs it records ──
  MANIFEST_DAMAGED: {
    severity: 'warning',
    say: (a: { path: string; why: string; aside: string }) =>
      `清单“${a.path}”已损坏(${a.why})，已改名保存为“${a.aside}”，未删除。清单按输出文件夹中现有的文件和存档记录重建；已有的输出一个也不删除、不覆盖。`,
  },
  MANIFEST_RECOVERED: {
    severity: 'info',
    say: (a: { count: string; records: string }) => `从存档记录“${a.records}”中恢复了 ${a.count} 份表格的清单条目(其输出仍在且与记录一致)。`,
  },
  OUTPUT_REPAIRED: { severity: 'warning', say: (a: { path: string; why: string }) => `输出“${a.path}”${a.why}，已按输入重新生成。` },
  OUTPUT_DAMAGED_KEPT: {
    severity: 'warning',
    say: (a: { path: string; why: string; source: string }) => `输出“${a.path}”${a.why}；其输入“${a.source}”不在本次处理范围内，无法重新生成。请把该输入一并交给 build 重新运行。`,
  },
  OUTPUT_INSIDE_INPUT: {
    severity: 'error',
    say: (a: { path: string; input: string }) =>
      `要写入的“${a.path}”位于输入“${a.input}”之内，已拒绝写入：下次运行时它会被当作输入读取。请换一个 --out，或修改输出文件名规则(names)，使输出不落在输入文件夹中。`,
  },
  OUTPUT_UNCLAIMED: {
    severity: 'info',
    say: (a: { count: string; example: string }) => `输出文件夹中有 ${a.count} 个文件不在清单中(如“${a.example}”)，已原样保留；新生成的文件不会覆盖它们(同名时加后缀)。`,
  },
  FORM_SUPERSEDED: {
    severity: 'info',
    say: (a: { source: string; name: string; by: string }) =>
      `文件“${a.source}”已不在输入中，其中的项目“${a.name}”由文件“${a.by}”中年度、主管部门、实施单位和项目名称都相同的表格接替，不再单独列出和计入汇总；它的输出已删除(同名的由接替的表格覆盖)。`,
  },
  OUTPUT_UNCLAIMED_KEPT: {
    severity: 'warning',
    say: (a: { path: string; what: string }) =>
      `输出文件夹中已有“${a.path}”，但清单中没有它(不是本程序写的，或是清单丢失之前写的)：已原样保留，没有写入本次的${a.what}。如果它是您自己的文件，请把它移走或改名，再运行一次，${a.what}就会写在这里。`,
  },
  OUTPUT_FILE_NOT_WRITTEN: {
    severity: 'warning',
    say: (a: { what: string; path: string; detail: string }) =>
      `${a.what}“${a.path}”没有写入(${a.detail})。其余文件照常生成并记入清单。请按括号中的说明处理(文件在 Excel/WPS 或 PDF 阅读器中打开时，关闭它)，再运行一次即可补上。`,
  },
  YEAR_REPORTS_REMOVED: { severity: 'info', say: (a: { year: string }) => `年度“${a.year}”已没有表格，已删除该年度的索引页、汇总表和年度报告。` },
  YEAR_REPORT_REPAIRED: { severity: 'info', say: (a: { path: string }) => `年度报告“${a.path}”已被改动或删除，已按清单重新生成。` },
  YEAR_REPORT_FAILED: {
    severity: 'warning',
    say: (a: { path: string; detail: string; old: string }) => `没有生成年度报告“${a.path}”(${a.detail})。${a.old}各表格的输出、索引页和汇总表不受影响；请把这条信息发给维护人员。`,
  },
  COMBINED_PDF_SKIPPED: {
    severity: 'warning',
    say: (a: { path: string; missing: string }) =>
      `没有生成合并打印文件“${a.path}”：其中的“${a.missing}”在合并时已不在输出文件夹中(可能刚被移走或删除)。各项目自己的 PDF 不受影响；再运行一次 build 即可补上。`,
  },
  COMBINED_PDF_REPAIRED: { severity: 'info', say: (a: { path: string }) => `合并打印文件“${a.path}”已被改动或删除，已按各项目的 PDF 重新生成。` },
  COMBINED_PDF_REMOVED: { severity: 'info', say: (a: { path: string }) => `“${a.path}”所在文件夹已不足两份同一年度、同一主管部门的表格，已删除这个合并打印文件。` },
  REVIEW_SHEET_REPAIRED: { severity: 'info', say: (a: { path: string }) => `复核意见“${a.path}”已被改动或删除，已按各项目的问题重新生成。` },
  REVIEW_SHEET_REMOVED: { severity: 'info', say: (a: { path: string }) => `“${a.path}”所在主管部门的表格已没有问题，已删除这份复核意见。` },
  PATH_SYMLINK: {
    severity: 'error',
    say: (a: { path: string; target: string }) => `“${a.path}”是符号链接(指向“${a.target}”)。为防止写到输出文件夹以外，不会经由它写入。请把它换成普通文件夹(或删除这个链接)后重试。`,
  },
  PATH_OUTSIDE: { severity: 'error', say: (a: { path: string; out: string }) => `要写入的“${a.path}”实际位于输出文件夹“${a.out}”之外，已拒绝写入。请检查输出文件夹中的链接。` },

  // ── the file system, one code per error the system gives ──
  // `place` is the folder the command writes as its user names it (`输出文件夹(--out)`, init's folder): what to change.
  FS_EACCES: {
    severity: 'error',
    say: (a: FsArgs) =>
      reading.has(a.action)
        ? `${a.action}“${a.path}”时没有权限。请检查该文件或文件夹的读取权限(是否属于其他用户)后重试。`
        : `${a.action}“${a.path}”时没有权限。请检查该文件或文件夹的权限(是否只读、是否属于其他用户)，或换一个有写入权限的${a.place ?? OUT_PLACE}。`,
  },
  FS_EPERM: {
    severity: 'error',
    say: (a: FsArgs) => `${a.action}“${a.path}”时操作被拒绝。文件可能正在 Excel/WPS 中打开或被杀毒软件占用，关闭后重试；也请检查它是否设为只读。`,
  },
  FS_EBUSY: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时文件正被占用。文件可能正在 Excel/WPS 中打开，关闭后重试。` },
  FS_ENOSPC: {
    severity: 'error',
    say: (a: FsArgs) => `${a.action}“${a.path}”时磁盘已满。本次写了一半的临时文件已删除，之前的输出保持原样。请清理磁盘空间，或换一个${a.place ?? OUT_PLACE}，然后重新运行。`,
  },
  DISK_SPACE_LOW: {
    severity: 'error',
    say: (a: { out: string; path: string; free: string; need: string }) =>
      `输出文件夹“${a.out}”所在磁盘只剩 ${a.free}，写入“${a.path}”并保存清单约需 ${a.need}。为免写到一半，本次在此停下：已完成的表格已记入清单，之前的输出保持原样。请清理磁盘空间(或换一个 --out)后重新运行。`,
  },
  FS_EDQUOT: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时超出了磁盘配额。本次的临时文件已删除。请清理空间或请管理员调整配额后重新运行。` },
  FS_EROFS: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时发现所在磁盘是只读的。请换一个可写的${a.place ?? OUT_PLACE}，或解除磁盘的只读状态。` },
  FS_ENOTDIR: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时，路径中的某一段是文件而不是文件夹。请把该文件移走或改名后重试。` },
  FS_EISDIR: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时，发现它是一个文件夹，这里需要的是文件。请把该文件夹移走或改名后重试。` },
  FS_EEXIST: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时，该名称已被占用。请把同名的文件或文件夹移走后重试。` },
  FS_EMFILE: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时同时打开的文件太多。请关闭其他程序后重试(ziping build 还可以用更小的 --jobs)。` },
  FS_ENAMETOOLONG: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时路径太长。请换一个层级更浅的${a.place ?? OUT_PLACE}后重试。` },
  FS_ELOOP: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时遇到循环的符号链接。请检查并删除这些链接后重试。` },
  FS_EIO: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时磁盘读写出错(I/O 错误)。磁盘或网络盘可能有故障，请检查后重试。` },
  FS_ENOENT: { severity: 'error', say: (a: FsArgs) => `${a.action}“${a.path}”时找不到它(可能刚被移走或删除)。请检查路径后重试。` },
  FS_OTHER: { severity: 'error', say: (a: FsArgs & { errno: string }) => `${a.action}“${a.path}”时出错(${a.errno})。请检查该路径和磁盘后重试。` },
} satisfies Record<string, { severity: Severity; say: (a: never) => string }>;

export type ArchiveCode = keyof typeof catalog;
type Args<C extends ArchiveCode> = Parameters<(typeof catalog)[C]['say']>[0];

/** One message of the run: code, severity and the Chinese text. */
export interface RunMessage {
  code: ArchiveCode;
  severity: Severity;
  message: string;
}

export function runMessage<C extends ArchiveCode>(code: C, args: Args<C>): RunMessage {
  const entry = catalog[code];
  const say = entry.say as (a: unknown) => string;
  return { code, severity: entry.severity, message: say(args) };
}

/** The line a person reads: `CODE：text`, as the config and profile errors are printed. */
export const messageLine = (m: RunMessage): string => `${m.code}：${m.message}`;

/**
 * A failure that ends the run with a message for the user (never a stack trace) and the exit
 * status of the contract: 2 the command line is wrong or `--out` is in use, 1 anything else.
 */
export class ArchiveError extends Error {
  readonly code: ArchiveCode;
  readonly exitCode: 1 | 2;
  readonly severity: Severity;
  constructor(m: RunMessage, exitCode: 1 | 2 = 1, options?: { cause?: unknown }) {
    super(m.message, options);
    this.name = 'ArchiveError';
    this.code = m.code;
    this.severity = m.severity;
    this.exitCode = exitCode;
  }
}

export function archiveError<C extends ArchiveCode>(code: C, args: Args<C>, exitCode: 1 | 2 = 1, cause?: unknown): ArchiveError {
  return new ArchiveError(runMessage(code, args), exitCode, cause === undefined ? undefined : { cause });
}
