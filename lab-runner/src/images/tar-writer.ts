// A minimal, deterministic ustar writer: the image root filesystems are assembled in memory
// and streamed straight into the engine's image import, with fixed owners and mtimes so the
// same inputs always give the same bytes.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export type TarEntry =
  | { type: 'dir'; path: string; mode: number }
  | { type: 'file'; path: string; mode: number; content: Buffer }
  | { type: 'hostFile'; path: string; mode: number; source: string; size: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  // ustar: a path over 100 bytes is split at a slash into prefix (<=155) and name (<=100).
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`tar path too long: ${path}`);
}

function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const path = entry.type === 'dir' ? `${entry.path.replace(/\/+$/, '')}/` : entry.path;
  const { name, prefix } = splitName(path);
  const size = entry.type === 'file' ? entry.content.length : entry.type === 'hostFile' ? entry.size : 0;
  const mode = entry.type === 'symlink' ? 0o777 : entry.mode;
  const typeflag = entry.type === 'dir' ? '5' : entry.type === 'symlink' ? '2' : '0';
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii'); // uid
  header.write(octal(0, 8), 116, 8, 'ascii'); // gid
  header.write(octal(size, 12), 124, 12, 'ascii');
  header.write(octal(0, 12), 136, 12, 'ascii'); // mtime: fixed for reproducibility
  header.fill(' ', 148, 156); // checksum placeholder
  header.write(typeflag, 156, 1, 'ascii');
  if (entry.type === 'symlink') header.write(entry.target, 157, 100, 'utf8');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return header;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Streams the entries as one tar archive, in the order given. */
export function tarStream(entries: readonly TarEntry[]): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for (const entry of entries) {
      if (entry.type === 'symlink' && Buffer.byteLength(entry.target) > 100) {
        throw new Error(`symlink target too long for ustar: ${entry.target}`);
      }
      yield tarHeader(entry);
      if (entry.type === 'file') {
        yield entry.content;
        yield padding(entry.content.length);
      } else if (entry.type === 'hostFile') {
        let read = 0;
        for await (const chunk of createReadStream(entry.source)) {
          read += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (read !== entry.size) throw new Error(`${entry.source} changed size while being archived`);
        yield padding(entry.size);
      }
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  return Readable.from(generate(), { objectMode: false });
}
