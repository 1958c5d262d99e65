import { inflateRawSync } from 'node:zlib';
import { centralDirectory, type ZipEntry } from './central-directory.js';
import { LimitExceeded, limits, mb, Unreadable } from './limits.js';

/**
 * Part names as OPC compares them: without a leading slash, case-insensitive. A zip entry stored
 * as `/xl/worksheets/sheet1.xml` is the part a relationship targets as `worksheets/sheet1.xml`.
 */
export function partKey(name: string): string {
  return name.replace(/^\/+/, '').toLowerCase();
}

/**
 * The parts of one zip, inflated only when the reader asks for one. Every part handed out has been
 * inflated with a cap, whatever its name or declared size, and all of them together count against
 * one budget (a part read twice counts twice: reading it costs twice).
 */
export class PartStore {
  private readonly byKey = new Map<string, ZipEntry>();
  private inflated = 0;

  constructor(private readonly zip: Buffer) {
    for (const e of centralDirectory(zip)) {
      const key = partKey(e.name);
      // Two entries of one name: the first is the one read, so no second copy slips past a check.
      if (!e.name.endsWith('/') && !this.byKey.has(key)) this.byKey.set(key, e);
    }
  }

  has(name: string): boolean {
    return this.byKey.has(partKey(name));
  }

  /** The entry's name as stored in the zip, for messages. */
  nameOf(name: string): string {
    return this.byKey.get(partKey(name))?.name ?? name;
  }

  /** The part's bytes, inflated; null when the zip has no such part. */
  read(name: string): Buffer | null {
    const e = this.byKey.get(partKey(name));
    if (!e) return null;
    if (e.flags & 0x1) throw new Unreadable(`部件 ${e.name} 已加密`);
    if (e.size > limits.partInflatedBytes) throw new LimitExceeded({ limit: 'partInflatedBytes', part: e.name, found: mb(e.size) });
    const left = limits.totalInflatedBytes - this.inflated;
    const partCap = Math.min(limits.partInflatedBytes, left);
    const capHit = (): LimitExceeded =>
      partCap === limits.partInflatedBytes
        ? new LimitExceeded({ limit: 'partInflatedBytes', part: e.name, found: `超过 ${mb(limits.partInflatedBytes)}` })
        : new LimitExceeded({ limit: 'totalInflatedBytes', part: e.name, found: `超过 ${mb(limits.totalInflatedBytes)}` });
    const h = e.localOffset;
    if (!(h + 30 <= this.zip.length) || this.zip.readUInt32LE(h) !== 0x04034b50) throw new Unreadable(`部件 ${e.name} 的数据位置不对，文件可能已损坏`);
    const start = h + 30 + this.zip.readUInt16LE(h + 26) + this.zip.readUInt16LE(h + 28);
    if (start + e.compressedSize > this.zip.length) throw new Unreadable(`部件 ${e.name} 不完整，文件可能被截断`);
    const raw = this.zip.subarray(start, start + e.compressedSize);
    let data: Buffer;
    if (e.method === 0) {
      if (raw.length > partCap) throw capHit();
      data = raw;
    } else if (e.method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, partCap) });
      } catch (error) {
        if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw capHit();
        throw new Unreadable(`部件 ${e.name} 无法解压，文件可能已损坏`);
      }
    } else {
      throw new Unreadable(`部件 ${e.name} 使用了不支持的压缩方式(${e.method})`);
    }
    this.inflated += data.length;
    return data;
  }
}
