#!/usr/bin/python3
# bench.py with its step clock switched from wall time to this process's CPU time (time.process_time: user +
# system, all threads), so that its RESULT's times are CPU milliseconds per step: on a loaded machine, where
# preemption inflates wall times, the steadier figure for comparing one-thread steps with src/native-ab.ts's
# `cpu_median_ms`. Same environment as bench.py: MODEL=resnet18|tabular|lstm THREADS=1 WARM STEPS.
import os, runpy, time

time.perf_counter = time.process_time
runpy.run_path(os.environ.get('TORCH_BENCH', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench.py')),
               run_name='__main__')
