/**
 * The flags that name a cell beyond its --activation, shared by every command that builds a network
 * (train, gradcheck, generate, the sweeps that compare activations; the weather sweep takes the verdict's
 * --variants instead). A value outside the choices is commander's one-line error, exit 2 (./cli.ts). The
 * sweep kinds declare them too, so they live beside ./errors.ts's flag parsers rather than under ./cli/.
 */
import { Option } from 'commander';
import { ACTIVATION_IMPLS, GATE_ACTIVATIONS } from './lstm/cell';

export interface CellFlagOptions {
  description?: string;
  /** the value when the flag is absent; undefined: none (the command decides, e.g. from a model file) */
  defaultValue?: string;
  /** extra choices beyond the spec's values (e.g. 'both' for gradcheck) */
  extra?: string[];
}

/** --gate sigmoid|isru-sigmoid (default sigmoid, the original study's gates) */
export function gateOption(o: CellFlagOptions = { defaultValue: 'sigmoid' }): Option {
  const description = o.description ?? 'gate activation of the forget, input and output gates: the logistic sigmoid, or the ISRU-shaped sigmoid (1 + isru(x/2))/2';
  return withDefault(new Option('--gate <name>', description).choices([...GATE_ACTIVATIONS, ...(o.extra ?? [])]), o.defaultValue);
}

/** --activation-impl scalar|simd (default scalar, the reference and the original study's situation) */
export function activationImplOption(o: CellFlagOptions = { defaultValue: 'scalar' }): Option {
  const description = o.description ?? "point-wise cell kernels: scalar = one element at a time through Math (the reference); simd = WebAssembly SIMD vectors (needs the 'wasm' kernels)";
  return withDefault(new Option('--activation-impl <impl>', description).choices([...ACTIVATION_IMPLS, ...(o.extra ?? [])]), o.defaultValue);
}

function withDefault(option: Option, value: string | undefined): Option {
  return value === undefined ? option : option.default(value);
}
