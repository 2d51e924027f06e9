// `tfai doctor`'s checks as a function: Node version, which backends are installed and which one is active,
// whether the CUDA libraries @tensorflow/tfjs-node-gpu needs can be found, which WebGPU adapter Dawn gives (and
// which Vulkan driver to install where it gives none), with how to install what is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PLOT_PACKAGES, installSpec, packageInstalled } from '../io/optional.js';
import { BACKEND_ORDER, BACKEND_PACKAGES, backendAvailable, setBackend, type BackendName } from '../backend/backend.js';
import { nodeSatisfies } from './engines.js';
import { nativeKernelStatus, type NativeKernelStatus } from '../backend/wasm/native.js';
import {
  driverAdvice,
  gpuDriverAdvice,
  probeWebGPU,
  vulkanDrivers,
  webgpuInstalled,
  type WebGPUAdapterReport,
} from '../backend/webgpu/setup.js';

/**
 * The shared libraries libtensorflow 2.9.1 (inside tfjs-node-gpu 4.22) opens: CUDA 11.2 and cuDNN 8.1, plus the
 * NVIDIA driver's libcuda.
 */
export const CUDA_LIBRARIES: readonly string[] = [
  'libcuda.so.1',
  'libcudart.so.11.0',
  'libcublas.so.11',
  'libcublasLt.so.11',
  'libcufft.so.10',
  'libcurand.so.10',
  'libcusolver.so.11',
  'libcusparse.so.11',
  'libcudnn.so.8',
];

/** One backend's line in the report. */
export interface BackendStatus {
  /** The backend's name (`'cuda'`, `'webgpu'`, `'tensorflow'`, …), in {@link BACKEND_ORDER}'s order in the report. */
  name: BackendName;
  /** The npm package that provides it ({@link BACKEND_PACKAGES}), e.g. `'@tensorflow/tfjs-node'`. */
  package: string;
  /** Whether it can be loaded here: the package resolves (tfjs-node and -gpu: with their native binding; webgpu: with Dawn's `webgpu`). */
  installed: boolean;
  /** The installed package's version; absent when the package is not installed at all. */
  version?: string;
}

/** What {@link diagnose} found. */
export interface DoctorReport {
  /** The running Node, whether it is in `engines` (@tfai/core's package.json: {@link NODE_ENGINES}), and why not. */
  node: {
    /** The running Node's version, `process.version` (e.g. `'v22.12.0'`). */
    version: string;
    /** Whether that version satisfies {@link NODE_ENGINES}. */
    supported: boolean;
    /** The supported range, {@link NODE_ENGINES} (e.g. `'^20.19.0 || ^22.12.0 || >=23'`). */
    engines: string;
    /** Why this Node is a problem (unsupported, or Node 20's end of life); absent when it is fine. */
    note?: string;
  };
  /** The OS and CPU, `${process.platform}-${process.arch}` (e.g. `'linux-x64'`). */
  platform: string;
  /** Every backend tfai knows, best first ({@link BACKEND_ORDER}), with its package and whether it is installed. */
  backends: BackendStatus[];
  /** The backend `setBackend()` chose (honouring `TFAI_BACKEND`); absent when it threw (see `activeError`). */
  active?: BackendName;
  /** The message `setBackend()` threw (e.g. `TFAI_BACKEND` names a backend that is not installed); else absent. */
  activeError?: string;
  /** The CUDA 11.2 / cuDNN 8.1 libraries tfjs-node-gpu needs (searched on Linux only; empty elsewhere). */
  cuda: {
    /** Each library of {@link CUDA_LIBRARIES} → the path it was found at, or `null` when missing. */
    found: Record<string, string | null>;
    /** Other versions of those libraries seen by ldconfig, as `'libcudnn.so.9 (/path)'` (unusable by libtensorflow 2.9). */
    otherVersions: string[];
    /** Whether `nvidia-smi` is on the PATH (a hint that the NVIDIA driver is installed). */
    nvidiaSmi: boolean;
  };
  /** The WebGPU adapter Dawn gives (or why none), and the Vulkan drivers installed (Linux). */
  webgpu: {
    /** The adapter Dawn returned; absent when the packages are missing or there is no usable driver. */
    adapter?: WebGPUAdapterReport;
    /** Why there is no adapter (Dawn failed to load, no usable driver); absent when there is one or when not probed. */
    error?: string;
    /** Paths of the Vulkan ICD manifests installed (one per driver); always empty off Linux. */
    vulkanDrivers: string[];
  };
  /** Native CPU kernels (oneDNN through @tfai/native): whether they are in use, on which ISA, or why not. */
  native: NativeKernelStatus;
  /** Optional peers by feature (plotting: vega, vega-lite, sharp), and which of them are not installed. */
  optional: {
    /** The feature they serve, e.g. `'plotting'`. */
    feature: string;
    /** Every npm package the feature needs, e.g. `['vega', 'vega-lite', 'sharp']`. */
    packages: readonly string[];
    /** Those of `packages` that are not installed (empty when the feature is usable). */
    missing: string[];
  }[];
  /** What to run to get what is missing. */
  advice: string[];
}

const require = createRequire(import.meta.url);

/**
 * The Node versions tfai supports: `engines.node` of @tfai/core's package.json, the range every dependency's own
 * `engines` allows (checked by the integration tests).
 * @example
 * ```ts
 * NODE_ENGINES; // '^20.19.0 || ^22.12.0 || >=23'
 * ```
 */
export const NODE_ENGINES: string = (require('../../package.json') as { engines: { node: string } }).engines.node;

function packageVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** `ldconfig -p` lines `libname.so.X (…) => /path`, as name → path. */
function ldconfigLibraries(): Map<string, string> {
  const libs = new Map<string, string>();
  for (const bin of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      const out = execFileSync(bin, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const m of out.matchAll(/^\s*(\S+) \(.*\) => (\S+)$/gm)) if (!libs.has(m[1])) libs.set(m[1], m[2]);
      return libs;
    } catch {
      // try the next location
    }
  }
  return libs;
}

function cudaDirectories(): string[] {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  dirs.push('/usr/local/cuda/lib64', '/usr/local/cuda/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib64');
  try {
    for (const d of readdirSync('/usr/local'))
      if (d.startsWith('cuda-')) dirs.push(`/usr/local/${d}/lib64`, `/usr/local/${d}/lib`);
  } catch {
    // no /usr/local
  }
  return dirs.filter((d) => existsSync(d));
}

function hasCommand(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

/**
 * Checks this machine for tfai: Node version, installed and active backends, CUDA libraries for tfjs-node-gpu.
 *
 * @example
 * const report = await diagnose();
 * report.active;                 // 'wasm' on a machine without tfjs-node
 * report.cuda.found['libcudnn.so.8']; // null when cuDNN 8 is missing
 */
export async function diagnose(): Promise<DoctorReport> {
  const major = Number(process.versions.node.split('.')[0]);
  const supported = nodeSatisfies(process.versions.node, NODE_ENGINES);
  const node: DoctorReport['node'] = { version: process.version, supported, engines: NODE_ENGINES };
  if (!supported) node.note = `tfai needs Node ${NODE_ENGINES} (22.12+ or 24 recommended)`;
  else if (major === 20) node.note = 'Node 20 is end-of-life: use Node 22 or 24';

  const backends = BACKEND_ORDER.map((name): BackendStatus => {
    const status: BackendStatus = { name, package: BACKEND_PACKAGES[name], installed: backendAvailable(name) };
    const v = packageVersion(BACKEND_PACKAGES[name]);
    if (v) status.version = v;
    return status;
  });

  const report: DoctorReport = {
    node,
    platform: `${process.platform}-${process.arch}`,
    backends,
    cuda: { found: {}, otherVersions: [], nvidiaSmi: hasCommand('nvidia-smi') },
    webgpu: { vulkanDrivers: process.platform === 'linux' ? vulkanDrivers() : [] },
    native: nativeKernelStatus(),
    optional: [
      { feature: 'plotting', packages: PLOT_PACKAGES, missing: PLOT_PACKAGES.filter((p) => !packageInstalled(p)) },
    ],
    advice: [],
  };
  try {
    report.active = await setBackend();
  } catch (e) {
    report.activeError = (e as Error).message;
  }
  // After the backend's setup (which sets oneDNN's threads to tfai's count).
  report.native = nativeKernelStatus();
  if (webgpuInstalled()) {
    const probe = await probeWebGPU();
    if (probe.adapter) report.webgpu.adapter = probe.adapter;
    if (probe.error) report.webgpu.error = probe.error;
  }

  if (process.platform === 'linux') findCudaLibraries(report.cuda);
  report.advice.push(...adviceFor(report));
  return report;
}

/** Where each CUDA library libtensorflow 2.9 needs is (ldconfig, then the usual folders), and other versions seen. */
function findCudaLibraries(cuda: DoctorReport['cuda']): void {
  const ld = ldconfigLibraries();
  const dirs = cudaDirectories();
  for (const lib of CUDA_LIBRARIES) {
    const dir = dirs.find((d) => existsSync(join(d, lib)));
    cuda.found[lib] = ld.get(lib) ?? (dir ? join(dir, lib) : null);
  }
  const stems = new Set(CUDA_LIBRARIES.map((l) => l.split('.so')[0]));
  for (const [name, path] of ld)
    if (stems.has(name.split('.so')[0]) && !CUDA_LIBRARIES.includes(name) && /\.so\.\d/.test(name))
      cuda.otherVersions.push(`${name} (${path})`);
}

/** What to do next, from a report's findings: one line per backend that could run and does not. */
function adviceFor(report: DoctorReport): string[] {
  const { node, backends } = report;
  const advice: string[] = [];
  if (node.note) advice.push(`${node.note} (e.g. \`nvm install 22\`)`);
  const byName = (n: BackendName): BackendStatus => backends.find((b) => b.name === n)!;
  const gpu = byName('cuda');
  const native = byName('tensorflow');
  if (!native.installed) {
    advice.push(
      native.version
        ? `${native.package} ${native.version} is installed without its native binding (its install script downloads libtensorflow; it was skipped or failed offline): run \`npm rebuild ${native.package}\` online`
        : `native CPU backend: \`npm install ${installSpec(native.package)}\` (downloads libtensorflow at install; several times faster than wasm for convolutions)`,
    );
  }
  const missingCuda = Object.entries(report.cuda.found)
    .filter(([, p]) => p === null)
    .map(([l]) => l);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    advice.push(`CUDA backend: ${gpu.package} runs on Linux x64 only`);
  } else if (missingCuda.length > 0) {
    advice.push(
      `CUDA backend: ${gpu.package} needs CUDA 11.2 and cuDNN 8.1; missing ${missingCuda.join(', ')}` +
        (report.cuda.otherVersions.length
          ? ` (found other versions: ${report.cuda.otherVersions.map((o) => o.split(' ')[0]).join(', ')}, which libtensorflow 2.9 cannot use)`
          : '') +
        ". Install the NVIDIA driver, CUDA 11.2 runtime and cuDNN 8.1 (e.g. `apt install cuda-libraries-11-2 libcudnn8=8.1.*` from NVIDIA's repository) and add their lib directory to LD_LIBRARY_PATH",
    );
  } else if (!gpu.installed) {
    advice.push(`CUDA libraries found: \`npm install ${installSpec(gpu.package)}\` to train on the GPU`);
  }
  const webgpu = byName('webgpu');
  if (!webgpu.installed)
    advice.push(
      `WebGPU backend: \`npm install ${installSpec('webgpu')} ${installSpec(webgpu.package)}\` (prebuilt for Linux, macOS and Windows; nothing downloads at install)`,
    );
  else if (!report.webgpu.adapter) advice.push(`WebGPU backend: ${driverAdvice()}`);
  else if (report.webgpu.adapter.software) {
    advice.push(
      `WebGPU: only a software adapter (${report.webgpu.adapter.description || report.webgpu.adapter.device}), slower than wasm: used only with TFAI_BACKEND=webgpu. For a GPU, ${gpuDriverAdvice()}`,
    );
  }
  const wasm = byName('wasm');
  if (!wasm.installed) advice.push(`wasm backend: \`npm install ${wasm.package}\``);
  if (!report.native.available)
    advice.push(
      `native CPU kernels (oneDNN, 3–10× wasm's convolutions and matrix products): ${report.native.reason}. Install oneDNN (Debian/Ubuntu: \`apt install libdnnl-dev\`; macOS: \`brew install onednn\`), then \`npm rebuild @tfai/native\``,
    );
  for (const o of report.optional)
    if (o.missing.length)
      advice.push(
        `${o.feature} (recorder.plotLoss, lrFind's plot…): \`npm install ${o.missing.map(installSpec).join(' ')}\``,
      );
  return advice;
}

/**
 * The report as text, one section per check.
 *
 * @example
 * console.log(formatDoctorReport(await diagnose()));
 */
export function formatDoctorReport(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push(
    `tfai doctor`,
    ``,
    `Node      ${r.node.version} on ${r.platform} (tfai supports ${r.node.engines})${r.node.note ? ` — ${r.node.note}` : ''}`,
  );
  lines.push(``, `Backends (best first):`);
  for (const b of r.backends) {
    const mark = b.name === r.active ? '●' : b.installed ? '✓' : '✗';
    lines.push(
      `  ${mark} ${b.name.padEnd(10)} ${b.package}${b.version ? `@${b.version}` : ''} ${b.installed ? 'installed' : b.version ? 'installed, native binding missing' : 'not installed'}${b.name === r.active ? '  ← active' : ''}`,
    );
  }
  if (r.activeError) lines.push(`  active backend: error — ${r.activeError}`);
  if (process.env.TFAI_BACKEND) lines.push(`  (TFAI_BACKEND=${process.env.TFAI_BACKEND})`);
  const found = Object.entries(r.cuda.found);
  if (found.length) {
    lines.push(``, `CUDA libraries for ${BACKEND_PACKAGES.cuda} (CUDA 11.2, cuDNN 8.1):`);
    for (const [lib, path] of found) lines.push(`  ${path ? '✓' : '✗'} ${lib.padEnd(20)} ${path ?? 'not found'}`);
    if (r.cuda.otherVersions.length) lines.push(`  other versions found: ${r.cuda.otherVersions.join(', ')}`);
    lines.push(`  nvidia-smi: ${r.cuda.nvidiaSmi ? 'found' : 'not found'}`);
  }
  lines.push(``, `Native CPU kernels (oneDNN through @tfai/native, for the wasm backend):`);
  const n = r.native;
  if (n.enabled)
    lines.push(`  ● in use: oneDNN ${n.version}, ISA ${n.isa}, ${n.threads} thread(s) (TFAI_NATIVE=0 turns them off)`);
  else if (n.available) lines.push(`  ✓ built (oneDNN ${n.version}, ISA ${n.isa}), not in use: ${n.reason}`);
  else lines.push(`  ✗ not available: ${n.reason} (wasm's own kernels run)`);
  lines.push(``, `WebGPU (Dawn's Node bindings, npm webgpu):`);
  const a = r.webgpu.adapter;
  if (a) {
    lines.push(
      `  adapter  ${a.vendor || '?'} ${a.architecture || '?'} — ${a.description || a.device}${a.software ? '  (software: CPU emulation)' : '  (hardware)'}`,
    );
    const keys = [
      'maxBufferSize',
      'maxStorageBufferBindingSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupsPerDimension',
    ];
    lines.push(
      `  limits   ${keys
        .filter((k) => k in a.limits)
        .map((k) => `${k} ${a.limits[k]}`)
        .join(', ')}`,
    );
    if (a.features.includes('shader-f16'))
      lines.push(`  features shader-f16${a.features.includes('timestamp-query') ? ', timestamp-query' : ''}`);
  } else lines.push(`  no adapter: ${r.webgpu.error ?? 'not probed'}`);
  if (r.webgpu.vulkanDrivers.length)
    lines.push(`  Vulkan drivers: ${r.webgpu.vulkanDrivers.map((f) => f.split('/').pop()).join(', ')}`);
  lines.push(``, `Optional packages:`);
  for (const o of r.optional)
    lines.push(
      `  ${o.missing.length ? '✗' : '✓'} ${o.feature.padEnd(10)} ${o.packages.join(', ')}${o.missing.length ? ` (missing: ${o.missing.join(', ')})` : ' installed'}`,
    );
  lines.push(``, r.advice.length ? 'To do:' : 'Nothing to do.');
  for (const a of r.advice) lines.push(`  - ${a}`);
  return lines.join('\n');
}
