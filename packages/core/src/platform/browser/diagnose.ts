// `tfai doctor` inspects the machine's libraries and drivers: Node only.
import { TfaiError } from '../../errors.js';
import type { DoctorReport } from '../../cli/diagnose.js';

/** The CUDA libraries the doctor looks for (none in a page). */
export const CUDA_LIBRARIES: readonly string[] = [];

/** The Node versions tfai supports (`engines.node`): a page runs no Node, so empty there. */
export const NODE_ENGINES: string = '';

/** The doctor: Node only. */
export async function diagnose(): Promise<DoctorReport> {
  throw new TfaiError('diagnose (tfai doctor) inspects the machine: run it in Node');
}

/** Formats a doctor report: Node only. */
export function formatDoctorReport(_r: DoctorReport): string {
  throw new TfaiError('formatDoctorReport: run tfai doctor in Node');
}
