/**
 * The floating-point peak of a machine, to state a measured GFLOP/s as a percentage of what the cores
 * could do at best. Pure: the /proc/cpuinfo text goes in (src/io/machine.ts reads it), numbers come out.
 *
 * Method (the usual "theoretical peak"):
 *
 *   peak GFLOP/s = cores × clock (GHz) × SIMD lanes × vector FP units × (2 with fused multiply-add, else 1)
 *
 *   lanes   = vector width / element width: a 128-bit WebAssembly SIMD vector holds 2 f64 or 4 f32;
 *             AVX2 256-bit: 4 / 8; AVX-512: 8 / 16; scalar code: 1.
 *   units   = vector FP pipes that can each start one operation per cycle. /proc/cpuinfo does not say;
 *             taken from the vendor: Intel cores since Haswell have 2 pipes that each do FMA, multiply or
 *             add; AMD cores since Zen 2 have 2 FMA/multiply pipes plus 2 add pipes, so code without FMA
 *             (a balanced mix of multiplies and adds, as in a matrix product) can start 4 per cycle there.
 *   FMA     = one fused multiply-add counts as 2 FLOPs. Plain WebAssembly SIMD has no FMA (a multiply and
 *             an add are 2 instructions); relaxed SIMD has one; native code has it where the flag `fma` is set.
 *   clock   = the nominal clock: "@ x.xxGHz" in the model name when present, else `cpu MHz` (under a
 *             hypervisor that is the nominal clock; turbo is not counted, so short bursts can exceed 100%).
 *
 * Each instruction set gives a different peak: the one a kernel set can reach (wasm: 128-bit, no FMA;
 * wasm-fma: 128-bit with FMA; js: scalar) and the native one (the widest of AVX-512/AVX2/SSE2, with FMA
 * when the CPU has it) that a C or oneDNN kernel could use.
 */

export interface CpuInfo {
  /** vendor_id, e.g. GenuineIntel, AuthenticAMD ('' when unknown) */
  vendor: string;
  model: string;
  /** logical processors listed */
  cores: number;
  /** nominal clock in MHz */
  mhz: number;
  flags: Set<string>;
}

export interface Isa {
  /** short name for reports: 'scalar', 'wasm128', 'wasm128+fma', 'avx2+fma', 'avx512+fma', ... */
  name: string;
  widthBits: number;
  fma: boolean;
}

/**
 * Vector FP pipes usable by code with or without FMA (see the header): 2, or 4 for non-FMA code on AMD
 * (2 multiply + 2 add pipes).
 */
export function fpUnits(cpu: CpuInfo, isa: Isa): number {
  const amd = cpu.vendor === 'AuthenticAMD' || /\bAMD\b/.test(cpu.model);
  return amd && !isa.fma ? 4 : 2;
}

/** Parses /proc/cpuinfo text (x86 layout). Throws when it has no processor entries. */
export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  if (blocks.length === 0) throw new Error('cpuinfo: no processor entries');
  const field = (block: string, name: string): string | undefined => {
    const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block);
    return m ? m[1].trim() : undefined;
  };
  const model = field(blocks[0], 'model name') ?? 'unknown cpu';
  const vendor = field(blocks[0], 'vendor_id') ?? '';
  const named = /@\s*([\d.]+)\s*GHz/i.exec(model);
  const mhzValues = blocks.map((b) => Number(field(b, 'cpu MHz'))).filter((x) => Number.isFinite(x) && x > 0);
  const mhz = named ? Number(named[1]) * 1000 : mhzValues.length ? Math.max(...mhzValues) : NaN;
  const flags = new Set((field(blocks[0], 'flags') ?? '').split(/\s+/).filter(Boolean));
  return { vendor, model, cores: blocks.length, mhz, flags };
}

/** The widest native vector instruction set of the CPU (x86 flags), with FMA when it has it. */
export function nativeIsa(cpu: CpuInfo): Isa {
  const fma = cpu.flags.has('fma');
  const [width, name] = cpu.flags.has('avx512f') ? [512, 'avx512'] : cpu.flags.has('avx2') || cpu.flags.has('avx') ? [256, cpu.flags.has('avx2') ? 'avx2' : 'avx'] : [128, 'sse2'];
  return { name: fma ? `${name}+fma` : name, widthBits: width, fma };
}

/**
 * The instruction set a kernel set of ours (or a peer's kernel) can use: 'wasm' 128-bit SIMD without FMA,
 * 'wasm-fma' with relaxed-SIMD FMA, 'js' scalar; anything else (onednn, aten) is native code.
 */
export function kernelIsa(kernels: string, cpu: CpuInfo): Isa {
  if (kernels === 'wasm') return { name: 'wasm128', widthBits: 128, fma: false };
  if (kernels === 'wasm-fma') return { name: 'wasm128+fma', widthBits: 128, fma: true };
  if (kernels === 'js') return { name: 'scalar', widthBits: 64, fma: false };
  return nativeIsa(cpu);
}

/** FLOPs one core can start per cycle: lanes × units × (2 with FMA). */
export function flopsPerCycle(isa: Isa, precision: 'f64' | 'f32', units: number): number {
  // scalar code (64-bit registers and below) does one element per instruction in either precision
  const lanes = isa.widthBits <= 64 ? 1 : isa.widthBits / (precision === 'f64' ? 64 : 32);
  return lanes * units * (isa.fma ? 2 : 1);
}

/** Peak GFLOP/s of `cores` cores at the CPU's nominal clock. */
export function peakGflops(cpu: CpuInfo, isa: Isa, precision: 'f64' | 'f32', cores = cpu.cores): number {
  return (cores * cpu.mhz * flopsPerCycle(isa, precision, fpUnits(cpu, isa))) / 1000;
}

/** One line stating the method and the numbers, for reports. */
export function describePeak(cpu: CpuInfo): string {
  const native = nativeIsa(cpu);
  const ghz = (cpu.mhz / 1000).toFixed(2);
  const per = (isa: Isa, p: 'f64' | 'f32'): string => `${peakGflops(cpu, isa, p, 1).toFixed(1)}`;
  const wasm = kernelIsa('wasm', cpu);
  const fma = kernelIsa('wasm-fma', cpu);
  return (
    `peak per core = nominal clock ${ghz} GHz × SIMD lanes × FP units (${fpUnits(cpu, wasm)} without FMA, ${fpUnits(cpu, fma)} with) × (2 if FMA); ${cpu.model}, ${cpu.cores} cores. ` +
    `GFLOP/s per core f64/f32: wasm128 ${per(wasm, 'f64')}/${per(wasm, 'f32')}, wasm128+fma ${per(fma, 'f64')}/${per(fma, 'f32')}, ` +
    `native ${native.name} ${per(native, 'f64')}/${per(native, 'f32')}`
  );
}
