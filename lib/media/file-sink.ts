/**
 * Where a media writer's bytes go: a file it creates, or a descriptor the
 * caller already has open (standard output for `--out -`). A pipe cannot be
 * seeked, so writers that patch a header at the end ask `seekable` first.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A file path to create (or truncate), or an open file descriptor such as `{ fd: 1 }` for standard output. */
export type MediaTarget = string | { fd: number };

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The reason a path cannot be created, in words, from the error the open gave. */
function explainOpenFailure(file: string, error: NodeJS.ErrnoException): Error {
  const folder = path.dirname(path.resolve(file));
  if (error.code === 'ENOENT') return new Error(`cannot create ${file}: the folder ${folder} does not exist`);
  if (error.code === 'EISDIR') return new Error(`cannot write to ${file}: it is a folder; give a file name inside it`);
  if (error.code === 'EACCES' || error.code === 'EPERM') return new Error(`cannot create ${file}: permission denied`);
  if (error.code === 'ENOTDIR') return new Error(`cannot create ${file}: a part of ${folder} is a file, not a folder`);
  return new Error(`cannot create ${file}: ${error.message}`);
}

export class FileSink {
  readonly fd: number;
  /** Whether the target can be written at an offset (a regular file), so a header can be patched at the end. */
  readonly seekable: boolean;
  /** The path, or "standard output" / "fd N". */
  readonly name: string;
  readonly #owned: boolean;
  #closed = false;

  constructor(target: MediaTarget) {
    if (typeof target === 'string') {
      if (target.length === 0) throw new TypeError('the output path must be a non-empty string');
      try {
        this.fd = fs.openSync(target, 'w');
      } catch (e) {
        throw explainOpenFailure(target, e as NodeJS.ErrnoException);
      }
      this.#owned = true;
      this.name = target;
    } else if (target !== null && typeof target === 'object' && Number.isInteger(target.fd) && target.fd >= 0) {
      this.fd = target.fd;
      this.#owned = false;
      this.name = target.fd === 1 ? 'standard output' : `fd ${target.fd}`;
    } else {
      throw new TypeError('the output must be a file path or { fd } (an open file descriptor)');
    }
    this.seekable = fs.fstatSync(this.fd).isFile();
  }

  /** Appends all of `data`, waiting out a non-blocking pipe that is full (EAGAIN). */
  write(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      try {
        done += fs.writeSync(this.fd, data, done, data.length - done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(sleeper, 0, 0, 2);
      }
    }
  }

  /** Overwrites bytes at `position` (seekable targets only). */
  writeAt(data: Uint8Array, position: number): void {
    if (!this.seekable) throw new Error(`${this.name} cannot be written at an offset`);
    fs.writeSync(this.fd, data, 0, data.length, position);
  }

  /** Closes a file this sink opened; a descriptor it was given stays open. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) fs.closeSync(this.fd);
  }
}
