/**
 * Which GPU measured: what WebGPU tells about its adapter, whether it is a software fallback (a renderer on
 * the CPU, such as SwiftShader, which Chromium offers where it has no GPU) and the label every file, table and
 * figure shows for it. A software adapter is labelled as such everywhere, "software (SwiftShader)", because
 * its numbers are the CPU's and must never be read as a GPU's.
 */

/** The adapter as the page describes it (from GPUAdapterInfo and the adapter's features and limits). */
export interface GpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** GPUAdapterInfo.isFallbackAdapter (older browsers: GPUAdapter.isFallbackAdapter), when the browser says */
  fallback: boolean | null;
  /** a renderer on the CPU: the browser says it is a fallback, or the name is a known software renderer */
  software: boolean;
  /** what every table and figure calls it, e.g. "software (SwiftShader)" or "nvidia ampere" */
  label: string;
  features: string[];
  limits: Record<string, number>;
}

/** The software renderers a browser may hand out as an adapter: name pattern → label. */
const SOFTWARE_RENDERERS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe|lavapipe/i, 'llvmpipe'],
  [/microsoft basic render|\bwarp\b/i, 'WARP'],
];

/** The limits worth recording: how large a dispatch and a buffer may be. */
export const RECORDED_LIMITS = [
  'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
] as const;

/** Describes an adapter from what WebGPU exposes (pure: the page passes in the fields). */
export function describeAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string }, fallback: boolean | null, features: readonly string[], limits: Record<string, number>): GpuAdapterDescription {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const names = [vendor, architecture, device, description].join(' ');
  const renderer = SOFTWARE_RENDERERS.find(([pattern]) => pattern.test(names))?.[1];
  const software = fallback === true || renderer !== undefined;
  const hardwareName = [vendor, architecture].filter((s) => s !== '').join(' ') || description || 'unnamed GPU';
  return {
    vendor, architecture, device, description, fallback, software,
    label: software ? `software (${renderer ?? 'fallback adapter'})` : hardwareName,
    features: [...features].sort(),
    limits,
  };
}

/** The backend column of the GPU rows: WebGPU and the adapter's label. */
export function gpuBackend(adapter: Pick<GpuAdapterDescription, 'label'>): string {
  return `WebGPU ${adapter.label}`;
}

/**
 * The name of the files of a GPU run: the browser's device slug and the adapter (vendor and architecture, or
 * "software-<renderer>"), e.g. `chromium-headless-156-linux-2c-software-swiftshader`.
 */
export function gpuSlug(deviceSlug: string, adapter: GpuAdapterDescription): string {
  const name = adapter.software ? adapter.label : [adapter.vendor, adapter.architecture].filter((s) => s !== '').join(' ') || 'gpu';
  const tidy = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${deviceSlug}-${tidy}`;
}
