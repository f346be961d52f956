import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One textual fix to a FerretDB source file, applied to a copy of the module at build time. */
export interface SourcePatch {
  /** Path inside the FerretDB module. */
  file: string;
  find: string;
  replace: string;
  why: string;
}

export const FERRETDB_PATCHES: SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: `IDColumn = DefaultColumn + "->'_id'"`,
    why:
      'The SQLite backend looks documents up by `->\'$._id\'` but indexes `->"_id"`; SQLite matches index ' +
      'expressions literally, so every find, update and delete by _id scanned and parsed the whole ' +
      "collection (a job grew slower with every stored job). `->'_id'` reads the same value and uses the index.",
  },
  {
    file: 'internal/handler/common/aggregations/stages/group.go',
    find: `		groupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))
		defer groupIter.Close()

		for _, accumulation := range g.groupBy {
			out, err := accumulation.accumulator.Accumulate(groupIter)
`,
    replace: `		for _, accumulation := range g.groupBy {
			groupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))
			out, err := accumulation.accumulator.Accumulate(groupIter)
			groupIter.Close()
`,
    why:
      '$group gave every accumulator the same iterator over the group, so the first one consumed it and ' +
      'the others summed nothing: `{n: {$sum: 1}, seconds: {$sum: "$audioSeconds"}}` answered seconds 0 ' +
      "(the usage report's request counts were 0). Each accumulator now reads the group from the start.",
  },
];

/**
 * Copies the module to `workDir` with the patches applied and returns the copy's directory, for a `replace`
 * directive. Fails when a patch no longer applies (the module changed), rather than silently building an
 * unpatched server. (`go build -overlay` would be lighter but refuses files in the module cache.)
 */
export function patchedModuleCopy(moduleDir: string, workDir: string, patches: SourcePatch[]): string {
  const copy = join(workDir, 'module');
  cpSync(moduleDir, copy, { recursive: true });
  for (const patch of patches) {
    const file = join(copy, patch.file);
    const source = readFileSync(file, 'utf8');
    if (source.split(patch.find).length !== 2)
      throw new Error(`FerretDB patch for ${patch.file} does not apply: expected exactly one "${patch.find}".`);
    chmodSync(file, 0o644);
    writeFileSync(file, source.replace(patch.find, patch.replace));
  }
  return copy;
}
