// pnpm hooks for this workspace. Only beforePacking is used: it changes what `pnpm pack` / `pnpm publish`
// (and so `changeset publish`) put in a tarball's package.json, never the package.json files here.
//
// Internal dependencies are written `workspace:*` in the repository; pnpm rewrites them to the exact version
// on pack ("0.1.0"). Exact pins between our own packages would make a user who upgrades one package (say
// @neuropose/io 0.1.1) while pinning another (@neuropose/dtw 0.1.0) get two copies of io, and
// `instanceof NeuroPoseError` would fail across them. So a published @neuropose/* dependency gets a caret
// range (`^0.1.0`: any 0.1.x), which npm and pnpm dedupe. docs/publishing.md explains the decision; the
// release rehearsal (scripts/release-rehearsal.mjs) checks it.
const INTERNAL = /^@neuropose\//;
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

function caretInternal(deps) {
  if (!deps) return deps;
  for (const [name, range] of Object.entries(deps)) {
    if (INTERNAL.test(name) && EXACT.test(range)) deps[name] = `^${range}`;
  }
  return deps;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      caretInternal(pkg.dependencies);
      caretInternal(pkg.optionalDependencies);
      caretInternal(pkg.peerDependencies);
      return pkg;
    },
  },
};
