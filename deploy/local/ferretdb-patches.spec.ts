import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FERRETDB_PATCHES, patchedModuleCopy, type SourcePatch } from './ferretdb-patches';

describe('FerretDB build patches', () => {
  let dir: string;
  const patch: SourcePatch = {
    file: 'pkg/meta.go',
    find: `Col = "->'$._id'"`,
    replace: `Col = "->'_id'"`,
    why: 'test',
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxflow-patch-'));
    mkdirSync(join(dir, 'module', 'pkg'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeModule = (source: string) => {
    const file = join(dir, 'module', 'pkg', 'meta.go');
    // The module cache is read-only; the copy must still be patchable.
    writeFileSync(file, source, { mode: 0o444 });
    return file;
  };

  it('patches a copy and leaves the original alone', () => {
    const original = writeModule(`package pkg\n\nconst Col = "->'$._id'"\n`);
    const copy = patchedModuleCopy(join(dir, 'module'), join(dir, 'work'), [patch]);
    expect(readFileSync(join(copy, 'pkg', 'meta.go'), 'utf8')).toContain(`Col = "->'_id'"`);
    expect(readFileSync(original, 'utf8')).toContain(`Col = "->'$._id'"`);
    expect(statSync(original).mode & 0o222).toBe(0);
  });

  it('refuses to build when a patch no longer applies', () => {
    writeModule(`package pkg\n\nconst Col = "->'_id'"\n`);
    expect(() => patchedModuleCopy(join(dir, 'module'), join(dir, 'work'), [patch])).toThrow(/does not apply/);
  });

  it('patches the lookup by _id to the expression its index is built on, and $group to feed every accumulator', () => {
    expect(FERRETDB_PATCHES).toEqual([
      expect.objectContaining({
        file: 'internal/backends/sqlite/metadata/metadata.go',
        replace: expect.stringContaining(`->'_id'`),
      }),
      expect.objectContaining({
        file: 'internal/handler/common/aggregations/stages/group.go',
        replace: expect.stringContaining('for _, accumulation := range g.groupBy {\n\t\t\tgroupIter :='),
      }),
    ]);
  });
});
