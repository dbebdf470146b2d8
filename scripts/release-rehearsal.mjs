#!/usr/bin/env node
// Release rehearsal: publishes every workspace package to a throw-away local registry (Verdaccio on a free
// loopback port, storage in a temp folder) and then uses them as a researcher would, from a fresh folder outside
// the repository: `npx` the CLIs on a clip, import and require @neuropose/dtw, type-check every package's types
// with skipLibCheck:false + strict, and pin one package while upgrading another (a patch release published
// during the rehearsal). Nothing here reaches a public registry for a @neuropose/* or neuropose* name: the local
// registry serves those names itself and proxies only third-party packages.
//
// Packages are discovered from the workspace (`pnpm ls -r`), so a new package is rehearsed without editing this
// file. Run after `pnpm install` (it builds, turbo-cached):   node scripts/release-rehearsal.mjs [--keep]
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), "neuropose-rehearsal-"));
const log = (msg) => process.stdout.write(`rehearsal: ${msg}\n`);
let verdaccio;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    verdaccio?.kill(); // never leave the registry running
    process.stderr.write(`rehearsal: stopped (${sig}); work folder kept: ${work}\n`);
    process.exit(130);
  });
}

function fail(msg) {
  throw new Error(msg);
}

/** Runs a command, returns stdout; on failure throws with the command, its folder and its output. */
function run(cmd, args, { cwd = work, env = {}, input } = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...parentEnv, ...baseEnv, ...env },
      encoding: "utf8",
      input,
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const why = e.status != null ? `exit ${e.status}` : (e.signal ?? e.message);
    fail(`\`${cmd} ${args.join(" ")}\` (in ${cwd}) failed (${why}):\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

async function step(name, fn) {
  const t = performance.now();
  const result = await fn();
  log(`${name} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  return result;
}

/** GET with a few retries (a loaded machine can drop a kept-alive socket); errors name the URL and the cause. */
async function get(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url);
      if (!res.ok) fail(`GET ${url}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      if (attempt >= 4 || e.message.startsWith("GET "))
        fail(`GET ${url}: ${e.message} ${e.cause?.message ?? ""}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

function freePort() {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.on("error", ko);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// Run as `pnpm release:rehearsal`, the environment carries pnpm's own npm_config_* settings, which npm warns
// about; the rehearsal's children get none of them (their npm config is the rehearsal's npmrc below).
const parentEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));

// Child processes get an isolated npm/pnpm user config (the local registry and its token) and no CI noise.
const baseEnv = {
  npm_config_userconfig: join(work, "npmrc"),
  // A cache of its own, as on a clean machine: npx reuses the install it made for the same package names in its
  // cache folder, so a second rehearsal of the same version would otherwise run the first one's packages.
  npm_config_cache: join(work, "npm-cache"),
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  // onnxruntime-node's install script downloads CUDA add-ons from a NuGet feed, which fails without that
  // network (the CPU runtime is in the npm package). Users are told the same in neuropose-infer's README.
  ONNXRUNTIME_NODE_INSTALL: "skip",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

try {
  // 1. Every publishable workspace package, and the fields a published package needs.
  const pkgs = await step("discovered the workspace's packages", () => {
    const all = JSON.parse(run("pnpm", ["ls", "-r", "--depth", "-1", "--json"], { cwd: root }));
    const found = all
      .filter((p) => !p.private && resolve(p.path) !== root)
      .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.path, "package.json"), "utf8")) }));
    if (found.length === 0) fail("no publishable package found");
    const problems = [];
    for (const { manifest: m, path } of found) {
      const dir = relative(root, path);
      const need = (ok, what) => ok || problems.push(`${dir}/package.json: ${what}`);
      need(m.license === "MIT", 'needs "license": "MIT"');
      need(m.repository?.directory === dir, `needs "repository": { ..., "directory": "${dir}" }`);
      need(m.engines?.node, 'needs "engines": { "node": ">=20.19" }');
      need(Array.isArray(m.files) && m.files.includes("dist"), 'needs "files": ["dist", "README.md"]');
      need(
        m.exports?.["."]?.default,
        'exports["."] needs a "default" condition (so require() works on Node >= 20.19)',
      );
      need(existsSync(join(path, "README.md")), "needs a README.md");
    }
    if (problems.length)
      fail(`packages not ready to publish (see docs/publishing.md):\n  ${problems.join("\n  ")}`);
    return found;
  });
  log(`  ${pkgs.map((p) => `${p.name}@${p.version}`).join(", ")}`);

  await step("built every package (turbo, cached)", () =>
    run("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"], { cwd: root }),
  );

  // 2. A local registry. Our names are served only by it (no proxy); everything else is proxied to the
  //    registry npm is configured with.
  // The user's own npm configuration (a mirror in ~/.npmrc, say), not the rehearsal's.
  const upstream = execFileSync("npm", ["config", "get", "registry"], {
    cwd: root,
    env: parentEnv,
    encoding: "utf8",
  })
    .trim()
    .replace(/\/?$/, "/");
  const port = await freePort();
  const registry = `http://127.0.0.1:${port}/`;
  await step(`started Verdaccio on ${registry}`, async () => {
    writeFileSync(
      join(work, "verdaccio.yaml"),
      [
        `storage: ${join(work, "storage")}`,
        "auth:",
        `  htpasswd: { file: ${join(work, "htpasswd")}, max_users: 10 }`,
        "uplinks:",
        `  upstream: { url: ${upstream}, timeout: 120s, maxage: 30m }`,
        "packages:",
        "  '@neuropose/*': { access: $all, publish: $authenticated }",
        "  'neuropose*': { access: $all, publish: $authenticated }",
        "  '**': { access: $all, publish: $authenticated, proxy: upstream }",
        "log: { type: stdout, format: pretty, level: error }",
        "max_body_size: 500mb",
        "",
      ].join("\n"),
    );
    const bin = createRequire(join(root, "package.json")).resolve("verdaccio/bin/verdaccio");
    verdaccio = spawn(
      process.execPath,
      [bin, "--config", join(work, "verdaccio.yaml"), "--listen", `127.0.0.1:${port}`],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    verdaccio.stdout.on("data", (d) => (out += d));
    verdaccio.stderr.on("data", (d) => (out += d));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${registry}-/ping`)).ok) break;
      } catch {}
      if (i > 150 || verdaccio.exitCode !== null) fail(`Verdaccio did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`${registry}-/user/org.couchdb.user:rehearsal`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "rehearsal", password: "rehearsal-password", type: "user" }),
    });
    const { token } = await res.json();
    if (!token) fail(`could not create a user on the local registry (HTTP ${res.status})`);
    writeFileSync(join(work, "npmrc"), `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  });

  // 3. Publish everything as it is in the repository (pnpm rewrites workspace: ranges; .pnpmfile.cjs makes
  //    internal ones carets).
  await step(`published ${pkgs.length} packages`, () =>
    run("pnpm", ["publish", "-r", "--registry", registry, "--no-git-checks", "--access", "public"], {
      cwd: root,
    }),
  );

  await step("checked every published tarball (LICENSE, README, dist, no workspace: ranges)", async () => {
    mkdirSync(join(work, "tarballs"));
    for (const p of pkgs) {
      const doc = JSON.parse(await get(`${registry}${p.name.replace("/", "%2f")}`));
      const v = doc.versions?.[p.version] ?? fail(`${p.name}@${p.version} is not on the local registry`);
      const deps = { ...v.dependencies, ...v.peerDependencies, ...v.optionalDependencies };
      for (const [name, range] of Object.entries(deps)) {
        if (String(range).startsWith("workspace:")) fail(`${p.name}: published dependency ${name}@${range}`);
        if (name.startsWith("@neuropose/") && !String(range).startsWith("^"))
          fail(`${p.name}: internal dependency ${name}@${range} is not a caret range (see .pnpmfile.cjs)`);
      }
      const file = join(work, "tarballs", `${p.name.replace("/", "-")}.tgz`);
      writeFileSync(file, await get(v.dist.tarball));
      const files = run("tar", ["tzf", file]).split("\n");
      for (const f of ["package/LICENSE", "package/README.md", "package/package.json"])
        if (!files.includes(f)) fail(`${p.name}: tarball lacks ${f.slice(8)}`);
      if (!files.some((f) => f.startsWith("package/dist/"))) fail(`${p.name}: tarball has no dist/`);
    }
  });

  // 4. A patch release of one package (io, which every other package depends on), made from its published
  //    tarball, so a user can upgrade it while pinning the packages that depend on it.
  const io = pkgs.find((p) => p.name === "@neuropose/io") ?? fail("no @neuropose/io in the workspace");
  const [maj, min, pat] = io.version.split(".").map(Number);
  const ioNext = `${maj}.${min}.${pat + 1}`;
  await step(`published a patch release @neuropose/io@${ioNext}`, () => {
    const dir = join(work, "io-patch");
    mkdirSync(dir);
    run("tar", ["xzf", join(work, "tarballs", "@neuropose-io.tgz"), "-C", dir]);
    const manifest = JSON.parse(readFileSync(join(dir, "package", "package.json"), "utf8"));
    manifest.version = ioNext;
    writeFileSync(join(dir, "package", "package.json"), JSON.stringify(manifest, null, 2));
    run("npm", ["publish", "--registry", registry, "--access", "public"], { cwd: join(dir, "package") });
  });

  // 5. A user's clip: the fixture gait clip when ../shared is beside the repo, else one ffmpeg generates.
  const user = join(work, "user");
  mkdirSync(user);
  const clip = join(user, "clip.mp4");
  await step("made a clip", () => {
    const ffmpeg = createRequire(join(root, "packages/infer/package.json"))("@ffmpeg-installer/ffmpeg").path;
    const fixture = resolve(root, "../shared/fixtures/videos/gaitlab_input.mp4");
    const input = existsSync(fixture)
      ? ["-i", fixture, "-t", "1"]
      : ["-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=15"];
    run(ffmpeg, ["-loglevel", "error", "-y", ...input, "-pix_fmt", "yuv420p", clip]);
    log(`  ${existsSync(fixture) ? "first second of ../shared's gaitlab_input.mp4" : "ffmpeg testsrc, 1 s"}`);
  });

  // 6. The CLIs with npx, in a folder with no package.json. npx installs the packages named with --package into
  //    its own cache folder, one per set of names: every call names the same three apps, so one install serves all.
  const apps = pkgs.filter((p) => p.manifest.bin);
  const npx = (bin, args) =>
    run(
      "npx",
      ["--yes", "--registry", registry, ...apps.flatMap((p) => ["--package", p.name]), "--", bin, ...args],
      {
        cwd: user,
      },
    );
  await step("npx neuropose-infer clip.mp4", () => {
    npx("neuropose-infer", [
      "clip.mp4",
      "-o",
      "clip.json",
      "--model",
      "lite",
      "-q",
      "--model-cache",
      join(work, "models"),
    ]);
    const doc = JSON.parse(readFileSync(join(user, "clip.json"), "utf8"));
    const frames = Object.keys(doc.frames ?? {}).length;
    if (frames < 10) fail(`clip.json has ${frames} frames; expected about 15`);
  });
  await step("npx neuropose demo, then npx neuropose-analyze demo/demo.yaml", () => {
    npx("neuropose", ["demo", "--out", "demo", "--json"]);
    rmSync(join(user, "demo", "report.json"));
    npx("neuropose-analyze", ["demo/demo.yaml", "--json"]);
    const report = JSON.parse(readFileSync(join(user, "demo", "report.json"), "utf8"));
    const rows = report.results?.reference_summary?.per_reference_mean ?? [];
    if (rows.length !== 3 || !rows.every((r) => Number.isFinite(r.mean)))
      fail(`demo report: expected 3 finite per-reference means, got ${JSON.stringify(rows)}`);
  });

  // 7. A project that depends on every package: dtw pinned to the version just published, io upgraded to the
  //    patch release. One copy of io must be installed (so NeuroPoseError from dtw is the consumer's class).
  const project = join(work, "project");
  mkdirSync(project);
  const dtwPkg = pkgs.find((p) => p.name === "@neuropose/dtw") ?? fail("no @neuropose/dtw in the workspace");
  await step(
    `npm install every package (@neuropose/dtw pinned at ${dtwPkg.version}, io at ${ioNext})`,
    () => {
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ name: "rehearsal-project", private: true }),
      );
      const specs = pkgs.map((p) =>
        p.name === "@neuropose/io" ? `${p.name}@${ioNext}` : `${p.name}@${p.version}`,
      );
      specs.push("@types/node@^20.19.0"); // what a TypeScript user of Node installs (proxied)
      run("npm", ["install", "--save-exact", "--registry", registry, "--no-package-lock", ...specs], {
        cwd: project,
      });
      const tree = JSON.parse(run("npm", ["ls", "@neuropose/io", "--all", "--json"], { cwd: project }));
      const ioVersions = new Set();
      (function walk(node) {
        for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
          if (name === "@neuropose/io") ioVersions.add(dep.version);
          walk(dep);
        }
      })(tree);
      if (ioVersions.size !== 1 || !ioVersions.has(ioNext))
        fail(`expected one @neuropose/io@${ioNext} in the tree, found ${[...ioVersions].join(", ")}`);
    },
  );

  await step("ESM import and CommonJS require of @neuropose/dtw", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      `import { dtw } from "@neuropose/dtw";
import { NeuroPoseError } from "@neuropose/io";
const d = dtw(new Float64Array([0, 1, 2]), new Float64Array([0, 0, 1, 2])).distance;
if (d !== 0) throw new Error("dtw distance " + d);
let same = false;
try { dtw([0, 1], [0, 1], { dims: 3 }); } catch (e) { same = e instanceof NeuroPoseError; }
if (!same) throw new Error("dtw's error is not the installed @neuropose/io NeuroPoseError");
console.log("esm ok");
`,
    );
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { dtw } = require("@neuropose/dtw");
const d = dtw([0, 1, 2], [0, 0, 1, 2]).distance;
if (d !== 0) throw new Error("dtw distance " + d);
console.log("cjs ok");
`,
    );
    const esm = run(process.execPath, ["esm.mjs"], { cwd: project });
    const cjs = run(process.execPath, ["cjs.cjs"], { cwd: project });
    if (!esm.includes("esm ok") || !cjs.includes("cjs ok")) fail(`unexpected output: ${esm}${cjs}`);
  });

  await step("tsc --strict, skipLibCheck:false against every package's types", () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          types: ["node"],
        },
        files: ["index.mts"],
      }),
    );
    const lines = pkgs.map((p, i) => `import * as m${i} from "${p.name}";`);
    lines.push(
      `export const all = [${pkgs.map((_, i) => `m${i}`).join(", ")}];`,
      `import { dtw } from "@neuropose/dtw";`,
      `const d: number = dtw([0, 1], [0, 1]).distance;`,
      `export { d };`,
    );
    writeFileSync(join(project, "index.mts"), `${lines.join("\n")}\n`);
    const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
    run(process.execPath, [tsc, "-p", "."], { cwd: project });
  });

  log(`passed in ${((performance.now() - started) / 1000).toFixed(0)} s${keep ? ` (kept ${work})` : ""}`);
} catch (e) {
  process.stderr.write(`rehearsal: FAILED: ${e.message}\n(work folder kept: ${work})\n`);
  process.exitCode = 1;
} finally {
  verdaccio?.kill();
  if (!keep && process.exitCode !== 1) rmSync(work, { recursive: true, force: true });
}
