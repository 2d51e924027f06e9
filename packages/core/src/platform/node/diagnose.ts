// `tfai doctor` in Node.
export { CUDA_LIBRARIES, NODE_ENGINES, diagnose, formatDoctorReport } from '../../cli/diagnose.js';
