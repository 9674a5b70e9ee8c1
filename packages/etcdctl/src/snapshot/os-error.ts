/** Go's *PathError text for a failed file operation: `open /x/y: no such file or directory`. */
export function goPathError(op: string, path: string, err: unknown): string {
  return `${op} ${path}: ${goErrno(err)}`;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EINVAL: 'invalid argument',
  EXDEV: 'invalid cross-device link',
  ENOTEMPTY: 'directory not empty',
};

/** syscall.Errno's text for a Node error's code (its message when the code is not one we know). */
export function goErrno(err: unknown): string {
  const code = (err as { code?: string }).code;
  return (code && ERRNO_TEXT[code]) ?? (err as Error).message;
}
