/** The committed 50-digit references (./references.json, written by scripts/gpu-references.ts), typed. */
import type { GpuReferences } from './accuracy';
import references from './references.json';

export const GPU_REFERENCES = references as unknown as GpuReferences;
