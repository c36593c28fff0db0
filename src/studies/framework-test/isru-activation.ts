/**
 * ISRU as a TensorFlow.js layers activation, in a module of its own so that a script on another tfjs
 * set-up (the peer benchmark) can register it without loading the wasm backend. Registering is a call
 * (registerIsru), made by whoever builds a layer named 'isru', never a side effect of importing.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * ISRU with alpha = 1, x / sqrt(1 + x²), as a tfjs-layers activation. tfjs-layers resolves an
 * activation name through the serialization registry, so registering this class (registerIsru) makes
 * `activation: 'isru'` valid for tf.layers.lstm (it then replaces tanh on the candidate g and on the
 * cell output, as Keras' `activation=` does; the gates keep their recurrentActivation). Its gradient
 * comes from tfjs's autodiff of the four ops, not from a hand-written derivative: that is what a
 * framework user passing a custom function gets.
 */
export class Isru extends tf.serialization.Serializable {
  static readonly className = 'isru';
  override getClassName(): string {
    return Isru.className;
  }
  getConfig(): Record<string, never> {
    return {};
  }
  apply(x: Tensor): Tensor {
    return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(1, tf.square(x)))));
  }
}

/** Makes `activation: 'isru'` valid for tfjs-layers (idempotent). */
export function registerIsru(): void {
  tf.serialization.registerClass(Isru);
}
