import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder for one test file; remove() deletes it and everything written into it. */
export interface TempDir {
  readonly path: string;
  write(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'flotilla-auth-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(name, content) {
      const file = join(path, name);
      await writeFile(file, content, { mode: 0o600 });
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
