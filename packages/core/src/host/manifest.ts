import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** The `conveyor` field of a plugin package's package.json. */
export interface PluginManifest {
  plugins: string[];
  apiVersion: number;
}

export interface PackageInfo {
  name: string;
  version: string;
  dir: string;
  manifest?: PluginManifest;
  dependencies: string[];
}

export async function readPackage(dir: string): Promise<PackageInfo> {
  const json = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    name?: string;
    version?: string;
    conveyor?: { plugins?: unknown; apiVersion?: unknown };
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const info: PackageInfo = {
    name: json.name ?? dir,
    version: json.version ?? "0.0.0",
    dir,
    dependencies: [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.optionalDependencies ?? {})],
  };
  if (json.conveyor) {
    const plugins = Array.isArray(json.conveyor.plugins) ? json.conveyor.plugins.map(String) : [];
    info.manifest = { plugins, apiVersion: Number(json.conveyor.apiVersion) };
  }
  return info;
}

/** Finds `node_modules/<name>` from `fromDir` upwards, as Node's resolver does for packages. */
export async function findPackageDir(name: string, fromDir: string): Promise<string | undefined> {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    try {
      await readFile(join(candidate, "package.json"));
      return candidate;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
