/**
 * The original study's file schemas, written out as the independent reference that our writers are
 * checked against (tests compare output headers with these, never with the constants the writers use).
 */

/** The weather table (the study's lstm-basic-test CSVs; they put a space after each comma). */
export const STUDY_WEATHER_HEADER = 'Cells,Func,TrainTime,PredictTime,Accuracy,TP,TN,FP,FN';

/** The progress CSV of the study's later runs (rnn/mt), with its `epoc` spelled `epoch` as this project writes it. */
export const STUDY_PROGRESS_HEADER = 'func,type,layers,neurons,iteration,epoch,loss,forward_cpu,forward_time,back_cpu,back_time,adam_cpu,adam_time';

/**
 * What this project writes: the study's columns first, then the cell's gate activation and point-wise
 * implementation (files without them mean sigmoid gates and the scalar implementation), then the kernel set.
 */
export const PROGRESS_HEADER = `${STUDY_PROGRESS_HEADER},gate,impl,kernels`;
export const WEATHER_HEADER = `${STUDY_WEATHER_HEADER},Gate,Impl,Variant,TrainCpu,PredictCpu`;
