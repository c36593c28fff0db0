/**
 * What may name a machine: the name becomes a folder and a file-name part of its results (results/<study>/
 * <machine>/, <machine>.csv), on the command line and on the benchmark page alike. No Node imports: the
 * page bundles this module.
 */
const SLUG = /^[a-z0-9][a-z0-9._-]{0,79}$/;

/** Why a name cannot be a machine slug, or undefined when it can. */
export function slugProblem(name: string): string | undefined {
  return SLUG.test(name) ? undefined : `"${name}" is not a machine name: use 1-80 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`;
}
