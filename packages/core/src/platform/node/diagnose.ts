// `tfai doctor` in Node.
export { CUDA_LIBRARIES, diagnose, formatDoctorReport } from '../../cli/diagnose.js';
