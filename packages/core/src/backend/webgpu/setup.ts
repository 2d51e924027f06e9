// WebGPU in Node: Dawn's Node bindings (npm `webgpu`) provide `navigator.gpu`, on which
// @tensorflow/tfjs-backend-webgpu runs. Dawn drives the vendor's Vulkan (Linux), Metal (macOS) or D3D12 (Windows)
// driver; nothing is downloaded at install time and no CUDA version has to match.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

/** The adapter Dawn gave tfai, as {@link probeWebGPU} reports it. */
export interface WebGPUAdapterReport {
  /** `adapter.info.vendor`, e.g. `nvidia`, `amd`, `intel`, `apple`, `mesa`. */
  vendor: string;
  /** `adapter.info.architecture`, e.g. `ampere`, `rdna-3`, `software`. */
  architecture: string;
  /** `adapter.info.device`. */
  device: string;
  /** `adapter.info.description`, e.g. `llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)`. */
  description: string;
  /**
   * True for a CPU implementation of WebGPU (Mesa's llvmpipe/lavapipe, SwiftShader, Microsoft WARP): the adapter
   * says `isFallbackAdapter`, its architecture is `software`, or its name is one of those. Slower than wasm for
   * training; chosen only when asked for by name.
   */
  software: boolean;
  /** The adapter's limits (maxBufferSize, maxComputeWorkgroupStorageSize, …). */
  limits: Record<string, number>;
  /** The adapter's optional features (`shader-f16`, `timestamp-query`, …). */
  features: string[];
}

/** What {@link probeWebGPU} found: an adapter, or why there is none. */
export interface WebGPUProbe {
  /** The adapter Dawn returned (vendor, device, whether it is a software one); absent when there is none. */
  adapter?: WebGPUAdapterReport;
  /** Why there is no adapter: the packages are missing, Dawn failed to load, or it found no usable driver. */
  error?: string;
}

// The few parts of the WebGPU API used here (the full types live in @webgpu/types, which we keep out of the build).
interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapter {
  info?: GpuAdapterInfo;
  isFallbackAdapter?: boolean;
  limits: object;
  features: Iterable<string>;
}
interface Gpu {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

/** The npm packages of the webgpu backend: Dawn's Node bindings and tfjs's WebGPU kernels. */
export const WEBGPU_PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

const require = createRequire(import.meta.url);

/** Whether both {@link WEBGPU_PACKAGES} resolve (without loading them). */
export function webgpuInstalled(): boolean {
  return WEBGPU_PACKAGES.every((p) => {
    try {
      require.resolve(`${p}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software|microsoft basic render|\bwarp\b/i;

/** Whether an adapter is a CPU implementation of WebGPU (see {@link WebGPUAdapterReport.software}). */
export function isSoftwareAdapter(info: GpuAdapterInfo, fallback = false): boolean {
  return (
    fallback ||
    info.isFallbackAdapter === true ||
    info.architecture === 'software' ||
    SOFTWARE.test(`${info.description ?? ''} ${info.device ?? ''}`)
  );
}

function report(adapter: GpuAdapter): WebGPUAdapterReport {
  const info = adapter.info ?? {};
  const limits: Record<string, number> = {};
  // GPUSupportedLimits exposes its values as prototype getters: walk `for…in`, not Object.keys.
  for (const k in adapter.limits) {
    const v = (adapter.limits as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info, adapter.isFallbackAdapter === true),
    limits,
    features: [...adapter.features].sort(),
  };
}

let dawn: DawnModule | undefined;
let probed: Promise<WebGPUProbe> | undefined;
let backendLoaded = false;

async function loadDawn(): Promise<DawnModule> {
  // A variable specifier keeps the optional package (and the DOM-wide @webgpu/types it declares) out of the build.
  const pkg: string = WEBGPU_PACKAGES[0];
  dawn ??= (await import(pkg)) as DawnModule;
  return dawn;
}

/** Installs Dawn's WebGPU globals (GPUBufferUsage, …) and `navigator.gpu`, once per process. */
async function installNavigatorGpu(): Promise<Gpu> {
  const g = globalThis as { navigator?: { gpu?: Gpu } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  const d = await loadDawn();
  for (const [k, v] of Object.entries(d.globals))
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = d.create([]);
  if (g.navigator) g.navigator.gpu = gpu;
  else g.navigator = { gpu };
  return gpu;
}

/**
 * Asks Dawn for a high-performance adapter (once per process) and reports it, without starting tfjs's backend.
 *
 * @example
 * ```ts
 * const { adapter, error } = await probeWebGPU();
 * if (adapter?.software) console.log(`CPU WebGPU only: ${adapter.description}`);
 * ```
 */
export function probeWebGPU(): Promise<WebGPUProbe> {
  probed ??= (async (): Promise<WebGPUProbe> => {
    if (!webgpuInstalled()) return { error: `not installed: run \`npm install ${WEBGPU_PACKAGES.join(' ')}\`` };
    let gpu: Gpu;
    try {
      gpu = await installNavigatorGpu();
    } catch (e) {
      return {
        error: `Dawn (npm webgpu) failed to load on ${process.platform}-${process.arch}: ${(e as Error).message}`,
      };
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return { error: `Dawn found no usable GPU adapter. ${driverAdvice()}` };
    return { adapter: report(adapter) };
  })();
  return probed;
}

/**
 * Whether a hardware adapter can exist here at all, cheaply: on Linux a GPU device node (`/dev/dri/renderD*`,
 * `/dev/nvidia*`); elsewhere always. The automatic backend choice asks Dawn only when this is true, so that a
 * GPU-less machine (CI, a container) does not start Dawn in every process.
 */
export function gpuDevicePresent(): boolean {
  if (process.platform !== 'linux') return true;
  const has = (dir: string, re: RegExp): boolean => {
    try {
      return readdirSync(dir).some((f) => re.test(f));
    } catch {
      return false;
    }
  };
  return has('/dev/dri', /^renderD\d+$/) || has('/dev', /^nvidia\d+$/);
}

/** The Vulkan ICD manifests (one per installed Vulkan driver) in the loader's standard directories. */
export function vulkanDrivers(): string[] {
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  // The loader reads only these when set.
  const env = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (env) return env.split(':').filter((f) => existsSync(f));
  const out: string[] = [];
  for (const d of dirs) {
    try {
      for (const f of readdirSync(d)) if (f.endsWith('.json')) out.push(`${d}/${f}`);
    } catch {
      // no such directory
    }
  }
  return out;
}

/** Which GPU driver gives Dawn a hardware adapter on this platform, as one sentence. */
export function gpuDriverAdvice(): string {
  switch (process.platform) {
    case 'linux':
      return (
        "install the GPU vendor's Vulkan driver: NVIDIA's proprietary driver ships one (Debian/Ubuntu `nvidia-driver` " +
        'or `libnvidia-gl-<version>`); AMD and Intel use Mesa (`apt-get install mesa-vulkan-drivers libvulkan1`)'
      );
    case 'darwin':
      return 'Dawn uses Metal, which every Mac since 2012 has: update macOS';
    case 'win32':
      return "Dawn uses Direct3D 12: install the GPU vendor's current driver";
    default:
      return `Dawn's npm package has no build for ${process.platform}`;
  }
}

/** Why Dawn may have found no adapter here and which driver to install, as one paragraph. */
export function driverAdvice(): string {
  if (process.platform !== 'linux') return gpuDriverAdvice();
  const icds = vulkanDrivers().map((f) => f.split('/').pop() ?? f);
  const found = icds.length
    ? `Vulkan drivers found: ${icds.join(', ')}${icds.some((f) => f.startsWith('lvp_icd')) ? " (Mesa's lavapipe is there, but Dawn refuses Mesa before 24, e.g. Debian 12's 22.3)" : ''}. `
    : 'No Vulkan driver is installed (no ICD manifest in /usr/share/vulkan/icd.d). ';
  return (
    `${found}For a GPU, ${gpuDriverAdvice()}. CPU-only WebGPU (for tests) needs Mesa >= 24: ` +
    'Debian 12 `apt-get install -t bookworm-backports mesa-vulkan-drivers`, Ubuntu 24.04 `apt-get install mesa-vulkan-drivers`'
  );
}

/**
 * Prepares the webgpu backend: `navigator.gpu` from Dawn, tfjs's WebGPU kernels, and tfai's corrections of them;
 * then makes it tfjs's current backend and returns the adapter. Throws (with the driver to install) where Dawn
 * finds no adapter.
 *
 * @example
 * ```ts
 * const adapter = await setupWebGPU();   // normally through setBackend('webgpu')
 * console.log(adapter.vendor, adapter.architecture, adapter.software);
 * ```
 */
export async function setupWebGPU(): Promise<WebGPUAdapterReport> {
  const probe = await probeWebGPU();
  if (!probe.adapter) throw new Error(probe.error ?? 'no WebGPU adapter');
  if (!backendLoaded) {
    // Registers the 'webgpu' backend only when navigator.gpu exists at import, hence after probeWebGPU.
    const pkg: string = WEBGPU_PACKAGES[1];
    await import(pkg);
    (await import('./register.js')).registerWebGPUKernels();
    backendLoaded = true;
  }
  if (!(await tf.setBackend('webgpu')))
    throw new Error('tfjs-backend-webgpu failed to initialise on the adapter Dawn gave');
  return probe.adapter;
}
