/**
 * Bundling a TypeScript entry into one plain `.mjs` that Node runs with no loader. Node 20 cannot
 * run TypeScript itself, and the tsx loader is costly where a module starts often (its hooks see
 * every import, @livekit/agents' files included: about 1 s of CPU per job process) or unsafe
 * (worker threads, see ./module-worker.ts). esbuild (which tsx itself uses) bundles Parley's own
 * modules and leaves npm packages as imports; bundles go under `node_modules/.cache/parley-bundles/`
 * so those imports resolve as they do from the sources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, buildSync, type BuildOptions, type Plugin } from 'esbuild';

/** The project root: bundles go under its node_modules so their package imports resolve. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'parley-bundles');

function options(entry: URL): BuildOptions & { write: false } {
  return {
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
    outfile: join(cacheDir, 'out.mjs'),
  };
}

/**
 * Writes a bundle under a name made of its entry and a hash of its code; returns its URL. Written
 * under a private name and renamed: processes building the same bundle never see half a file.
 */
function save(entry: URL, code: string): URL {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(cacheDir, `${basename(entry.pathname, '.ts')}-${hash}.mjs`);
  mkdirSync(cacheDir, { recursive: true });
  const staging = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(staging, code);
  renameSync(staging, file);
  return pathToFileURL(file);
}

/**
 * Bundles `entry` at once (esbuild's synchronous API, which takes no plugins). Inside the bundle
 * `import.meta.url` is the bundle's own URL: right for resolving packages, not for files beside a
 * source module.
 */
export function bundleSync(entry: URL): URL {
  return save(entry, buildSync(options(entry)).outputFiles[0]!.text);
}

/**
 * Each source module keeps its own `import.meta.url` (its place in the source tree), so a module
 * that starts a worker or reads a file beside it finds them from the bundle too.
 */
const sourceUrls: Plugin = {
  name: 'parley-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        /\bimport\.meta\.url\b/g,
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** Bundles `entry` for a process that runs it with no loader; see {@link sourceUrls}. */
export async function bundleEntry(entry: URL): Promise<URL> {
  const result = await build({ ...options(entry), plugins: [sourceUrls] });
  return save(entry, result.outputFiles[0]!.text);
}
