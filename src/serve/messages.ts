/**
 * What `ziping serve` says, on the console and on the page, by stable code: the code is what
 * support staff search for and what tests assert; the text says what happened and what to do.
 */
const catalog = {
  SERVE_STARTED: (a: { url: string; out: string }) => `ziping 网页已启动：${a.url}  (在浏览器中打开这个地址；结果写入“${a.out}”；按 Ctrl-C 停止)`,
  SERVE_WHO_LOCAL: (a: { host: string }) => `谁能打开：只有这台电脑(地址 ${a.host} 只在本机可达)，同一网络中的其他电脑打不开。`,
  SERVE_WHO_LOCAL_TOKEN: (a: { host: string }) => `谁能打开：只有这台电脑(地址 ${a.host} 只在本机可达)，并且要用上面含令牌(token=…)的完整地址；没有令牌的请求一律拒绝。`,
  SERVE_WHO_NETWORK: (a: { urls: string }) =>
    `谁能打开：同一网络中拿到含令牌(token=…)完整地址的人，可以打开此页面、上传表格、下载归档中的所有文件；没有令牌的请求一律拒绝。其他电脑请用：${a.urls}。只把地址告诉需要的同事；令牌每次启动都会重新生成(用 --token 或配置文件的 serveToken 可固定)。`,
  SERVE_HOST_EXPOSED: (a: { host: string }) =>
    `警告：--host ${a.host} 让同一网络中的其他电脑也能连上此页面；拿到含令牌完整地址的人可以上传表格、下载归档中的所有文件。只在可信的网络中这样使用，用完请按 Ctrl-C 关闭。`,
  SERVE_TOKEN_INVALID: (a: { source: string }) => `${a.source}的令牌应为 16 到 256 个字符，只用英文字母、数字和 - _ . ~ 。只写 --token 不写值时，每次启动随机生成一个。`,
  SERVE_ALLOW_HOST_INVALID: (a: { given: string }) => `--allow-host 的“${a.given}”不是主机名(如 caiwu-pc 或 caiwu-pc.local，不带 http:// 和路径)。`,
  SERVE_TOKEN_REQUIRED: () => `这个 ziping 网页只对拿到完整地址(含令牌 token=…)的人开放。请向运行 ziping serve 的同事索取它显示的完整地址，用那个地址打开。`,
  SERVE_PORT_IN_USE: (a: { port: number }) =>
    `端口 ${a.port} 已被占用：可能 ziping serve 已经在运行(直接在浏览器中打开 http://127.0.0.1:${a.port}/ 即可)，或被其他程序占用。可以用 --port 换一个端口，如 --port ${a.port + 1}。`,
  SERVE_LISTEN_FAILED: (a: { host: string; port: number; reason: string }) => `无法在 ${a.host}:${a.port} 启动网页(${a.reason})。请检查 --host 和 --port。`,
  SERVE_PORT_INVALID: (a: { given: string }) => `--port 应为 0 到 65535 之间的整数，收到“${a.given}”。`,
  SERVE_OPEN_FAILED: (a: { url: string; reason: string }) => `没能自动打开浏览器(${a.reason})。请手动在浏览器中打开 ${a.url}`,
  SERVE_STOPPED: () => `网页已关闭。`,
  UPLOAD_TOO_LARGE: (a: { name: string; limit: string }) => `文件“${a.name}”超过 ${a.limit}，没有处理。绩效自评表不会这么大，请确认是否选错了文件，或删除多余内容后另存再上传。`,
  UPLOAD_NOT_SPREADSHEET: (a: { name: string }) => `文件“${a.name}”不是 Excel 表格，没有处理。只接受 .xlsx 和 .xls 文件。`,
  UPLOAD_EMPTY: (a: { name: string }) => `文件“${a.name}”是空的(0 字节)，没有处理。请重新选择文件。`,
  UPLOAD_BAD_REQUEST: (a: { detail: string }) => `上传请求不完整(${a.detail})。请刷新页面后重新上传。`,
  UPLOAD_FAILED: (a: { name: string; detail: string }) => `处理“${a.name}”时程序内部出错(${a.detail})，其他文件不受影响。请把该文件和这条信息发给维护人员。`,
  UPLOAD_ABORTED: (a: { name: string }) => `文件“${a.name}”上传到一半连接断开了(浏览器被关闭或网络中断)，没有保存任何部分。请重新上传。`,
  UPLOAD_NOT_BUILT: (a: { name: string; folder: string }) => `文件“${a.name}”已收到，但没有被处理(可能刚被移出文件夹“${a.folder}”，或是 Office 的临时文件)。请重新上传。`,
  UPLOAD_NAME_UNSAFE: (a: { name: string; folder: string }) =>
    `文件名“${a.name}”会让上传的文件保存到文件夹“${a.folder}”以外，没有保存，也没有处理。请把文件改一个普通的名字(不含 \\ / : 和 ..)后重新上传。`,
  UPLOAD_NO_FREE_NAME: (a: { name: string; folder: string }) =>
    `文件夹“${a.folder}”中“${a.name}”及其编号的名字(到 -9999)都已被其他内容不同的文件占用，这份上传没有保存，也没有处理。请把文件改名后重新上传，或清理该文件夹中不再需要的旧表格。`,
  SERVE_FORBIDDEN: () => `这个请求不是从 ziping 自己的页面发出的，已拒绝。请在浏览器地址栏直接打开 ziping 显示的地址。`,
  SERVE_HOST_NOT_ALLOWED: (a: { host: string }) =>
    `这个网页是用名称“${a.host}”打开的，这台电脑上的 ziping serve 不认识这个名称，已拒绝(防止别的网站借用这个名称读取归档)。请改用 ziping serve 启动时显示的地址打开；如果要用这个名称打开，请运行 ziping serve 的同事在启动命令后加上 --allow-host ${a.host} 重新启动。`,
  SERVE_NOT_FOUND: (a: { path: string }) => `找不到“${a.path}”。它可能已被删除或改名；请回到首页刷新。`,
} satisfies Record<string, (a: never) => string>;

export type ServeCode = keyof typeof catalog;
type Args<C extends ServeCode> = Parameters<(typeof catalog)[C]>[0];

export interface ServeMessage {
  code: ServeCode;
  message: string;
}

export function serveMessage<C extends ServeCode>(code: C, ...args: Args<C> extends undefined ? [] : [Args<C>]): ServeMessage {
  const say = catalog[code] as (a: unknown) => string;
  return { code, message: say(args[0]) };
}

/** A failure of serve's own (not the archive's), carried to the page with its code and words. */
export class ServeError extends Error {
  readonly code: ServeCode;
  constructor(readonly served: ServeMessage) {
    super(served.message);
    this.name = 'ServeError';
    this.code = served.code;
  }
}

/** A message as one console line: `CODE：text`, as the other commands print theirs. */
export const messageLine = (m: ServeMessage): string => `${m.code}：${m.message}`;
