/**
 * Who measured: the browser, its engine and what the device exposes. Browsers hide the CPU model, so the
 * slug names the browser, its major version, the operating system and the core count, with `headless`
 * when no one was looking (e.g. `chromium-headless-131-linux-2c`). It names the downloaded files, so a
 * results file says where it came from the same way `<machine>.csv` does on the command line.
 */
export interface DeviceInfo {
  slug: string;
  /** browsers do not expose it */
  cpuModel: string;
  cores: number;
  os: string;
  arch: string;
  browser: string;
  browserVersion: string;
  headless: boolean;
  userAgent: string;
  /** navigator.deviceMemory (GiB, rounded down to a power of two by the browser), when exposed */
  memoryGiB: number | null;
  /** SharedArrayBuffer and the 5 µs timer are available only in a cross-origin isolated page */
  crossOriginIsolated: boolean;
  /** the training benchmark's kernels: 'wasm' (WebAssembly SIMD) or 'js' */
  kernels: string;
  /** resolution of performance.now() measured here, microseconds */
  timerResolutionUs: number;
}

interface UaData {
  brands?: { brand: string; version: string }[];
  platform?: string;
}

/** The browser's name and major version from the user agent (client hints first, where given). */
export function browserOf(userAgent: string, brands: readonly { brand: string; version: string }[] = []): { name: string; version: string; headless: boolean } {
  const headless = /Headless/.test(userAgent);
  const brand = (name: string): string | undefined => brands.find((b) => b.brand === name)?.version;
  const chromeLike = /Chrome\/(\d+)/.exec(userAgent)?.[1];
  if (brand('Microsoft Edge') ?? /Edg\/(\d+)/.exec(userAgent)) return { name: 'edge', version: brand('Microsoft Edge') ?? /Edg\/(\d+)/.exec(userAgent)![1], headless };
  if (brand('Google Chrome')) return { name: 'chrome', version: brand('Google Chrome')!, headless };
  if (brand('Chromium') || chromeLike) return { name: 'chromium', version: brand('Chromium') ?? chromeLike!, headless };
  const firefox = /Firefox\/(\d+)/.exec(userAgent)?.[1];
  if (firefox) return { name: 'firefox', version: firefox, headless };
  const safari = /Version\/(\d+).*Safari/.exec(userAgent)?.[1];
  if (safari) return { name: 'safari', version: safari, headless };
  return { name: 'browser', version: '0', headless };
}

/** The operating system from the user agent: linux, android, windows, macos, ios, chromeos. */
export function osOf(userAgent: string): string {
  if (/Android/.test(userAgent)) return 'android';
  if (/iPhone|iPad|iPod/.test(userAgent)) return 'ios';
  if (/CrOS/.test(userAgent)) return 'chromeos';
  if (/Windows/.test(userAgent)) return 'windows';
  if (/Mac OS X|Macintosh/.test(userAgent)) return 'macos';
  if (/Linux/.test(userAgent)) return 'linux';
  return 'unknown-os';
}

/** The smallest step performance.now() takes here, microseconds. */
export function timerResolutionUs(): number {
  let best = Infinity;
  for (let k = 0; k < 20; k++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    best = Math.min(best, t1 - t0);
  }
  return Math.round(best * 1e4) / 10;
}

/** The description of this browser and device (callable in the page and in a worker). */
export function describeDevice(kernels: string): DeviceInfo {
  const nav = navigator as Navigator & { userAgentData?: UaData; deviceMemory?: number };
  const ua = nav.userAgent;
  const b = browserOf(ua, nav.userAgentData?.brands ?? []);
  const os = osOf(ua);
  const cores = nav.hardwareConcurrency ?? 1;
  const arch = /aarch64|arm64/i.test(ua) ? 'arm64' : /x86_64|x64|Win64|Intel/.test(ua) ? 'x64' : /arm/i.test(ua) ? 'arm' : 'unknown';
  return {
    slug: `${b.name}${b.headless ? '-headless' : ''}-${b.version}-${os}-${cores}c`,
    cpuModel: 'not exposed by the browser',
    cores,
    os,
    arch,
    browser: b.name,
    browserVersion: b.version,
    headless: b.headless,
    userAgent: ua,
    memoryGiB: nav.deviceMemory ?? null,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    kernels,
    timerResolutionUs: timerResolutionUs(),
  };
}
