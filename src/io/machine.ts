import { readFileSync } from 'node:fs';
import { cpus, platform, release, arch, totalmem } from 'node:os';
import { CpuInfo, parseCpuinfo } from './peak';
import { UserError } from '../errors';
import { slugProblem } from './slug';

/** What a measurement ran on: written beside every results file so numbers can be compared honestly. */
export interface MachineInfo {
  slug: string;
  cpuModel: string;
  cores: number;
  os: string;
  arch: string;
  node: string;
  v8: string;
  memoryGiB: number;
}

/** The environment variable that names this machine instead of its hardware (two hosts with one CPU model, tests). */
export const MACHINE_ENV = 'LSTM_OPT_MACHINE';

export { slugProblem } from './slug';

/**
 * A short file-name-safe identity of this machine: LSTM_OPT_MACHINE when it is set, else the hardware's
 * slug (hardwareSlug). Every results folder and file of this machine is named by it.
 */
export function machineSlug(): string {
  const named = process.env[MACHINE_ENV];
  if (named === undefined || named === '') return hardwareSlug(describeMachineRaw());
  const problem = slugProblem(named);
  if (problem) throw new UserError(`${MACHINE_ENV}: ${problem}`);
  return named;
}

/**
 * The hardware's identity: CPU model, core count and Node major version, e.g.
 * `intel-xeon-platinum-8375c-2c-node20`. Computed here and nowhere else.
 */
export function hardwareSlug(info: Omit<MachineInfo, 'slug'>): string {
  const model = info.cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$|\d+-core/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const nodeMajor = info.node.replace(/^v/, '').split('.')[0];
  return `${model || 'unknown-cpu'}-${info.cores}c-node${nodeMajor}`;
}

function describeMachineRaw(): Omit<MachineInfo, 'slug'> {
  const list = cpus();
  return {
    cpuModel: (list[0]?.model ?? 'unknown cpu').trim(),
    cores: list.length,
    os: `${platform()} ${release()}`,
    arch: arch(),
    node: process.version,
    v8: process.versions.v8,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** The full description of this machine, slug included. */
export function describeMachine(): MachineInfo {
  return { slug: machineSlug(), ...describeMachineRaw() };
}

/**
 * This machine's CPU for peak computations (src/io/peak.ts): /proc/cpuinfo where it exists, else
 * what Node reports (model, clock; no instruction-set flags, so the native peak falls back to SSE2).
 */
export function readCpuInfo(): CpuInfo {
  try {
    return parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    const list = cpus();
    return { vendor: '', model: (list[0]?.model ?? 'unknown cpu').trim(), cores: list.length, mhz: list[0]?.speed ?? NaN, flags: new Set() };
  }
}
