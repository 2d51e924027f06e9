#!/usr/bin/env bash
# The webgpu check for a machine with an NVIDIA GPU and no network.
#
#   scripts/gpu-check.sh pack [out.tgz]   on a machine with the repo installed (npm ci): writes one archive with
#                                          what the check needs (see below), default /tmp/tfai-gpu-check.tgz
#   scripts/gpu-check.sh [run]            on the GPU machine, from the unpacked archive (or from a checkout):
#                                          1. nvidia-smi and `tfai doctor`: which adapter Dawn gives (must be hardware)
#                                          2. the webgpu parity suite (core kernels and gradients, create_head,
#                                             DynamicUnet, TabularModel, titanic Learner, AWD-LSTM, BPT3C)
#                                          3. the bench (ResNet-18 64×64 bs16, tabular bs512, LSTM LM T70 bs16) on
#                                             webgpu, and the same steps in PyTorch on CUDA when `import torch` works
#                                             there (torch >= 2.0 with CUDA), printing torch_ms / tfai_ms
#
# What travels (pack): the repo's tracked files (git archive), node_modules without what the check never loads
# (nx, typescript, eslint, Dawn's builds for other platforms, source maps), the node binary unless
# GPU_CHECK_NODE=0, and PyTorch's torch/bench.py from $TFAI_REFERENCE_DIR (default ../shared/reference); the
# fixtures and data sets the webgpu suite reads are in the repo. Dawn's prebuilt dawn.node is inside node_modules/webgpu; it needs the NVIDIA driver's Vulkan
# ICD (nvidia_icd.json, part of the proprietary driver) and libvulkan.so.1 on the GPU machine.
#
# Env (run): GPU_CHECK_ALLOW_SOFTWARE=1 runs on a software adapter too (llvmpipe: figures for the record only);
#            BENCH_MODELS, WARM, STEPS, LSTM_HIDDEN as for `npm run bench`; GPU_CHECK_OUT (default ./gpu-check-out).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-run}

pack() {
  local out=${1:-/tmp/tfai-gpu-check.tgz}
  local stage
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/tfai-gpu-check/repo" "$stage/tfai-gpu-check/shared/reference" "$stage/tfai-gpu-check/bin"
  (cd "$here" && git archive --format=tar HEAD) | tar -x -C "$stage/tfai-gpu-check/repo"
  tar -C "$here" -c \
    --exclude='node_modules/nx' --exclude='node_modules/@nx' --exclude='node_modules/typescript' \
    --exclude='node_modules/eslint' --exclude='node_modules/@eslint' --exclude='node_modules/@typescript-eslint' \
    --exclude='node_modules/typescript-eslint' --exclude='node_modules/webgpu/dist/darwin-*' \
    --exclude='node_modules/webgpu/dist/win32-*' --exclude="node_modules/webgpu/dist/linux-arm64" \
    --exclude='*.map' --exclude='node_modules/.cache' node_modules | tar -x -C "$stage/tfai-gpu-check/repo"
  # fastai's fixtures and titanic travel inside the repo (test fixtures, @tfai/datasets); only PyTorch's bench
  # script comes from the reference folder.
  local reference="${TFAI_REFERENCE_DIR:-$here/../shared/reference}"
  mkdir -p "$stage/tfai-gpu-check/shared/reference/torch" && cp "$reference/torch/bench.py" "$stage/tfai-gpu-check/shared/reference/torch/"
  if [[ "${GPU_CHECK_NODE:-1}" != 0 ]]; then cp "$(command -v node)" "$stage/tfai-gpu-check/bin/node"; fi
  cat >"$stage/tfai-gpu-check/run.sh" <<'EOF'
#!/usr/bin/env bash
# Unpacked: runs the check with the node that travelled (if any).
cd "$(dirname "$0")" && PATH="$PWD/bin:$PATH" exec bash repo/scripts/gpu-check.sh run
EOF
  chmod +x "$stage/tfai-gpu-check/run.sh"
  tar -C "$stage" -czf "$out" tfai-gpu-check
  echo "gpu-check: wrote $out ($(du -h "$out" | cut -f1)); on the GPU machine: tar xzf $(basename "$out") && tfai-gpu-check/run.sh"
}

run() {
  cd "$here"
  local out=${GPU_CHECK_OUT:-$PWD/gpu-check-out}
  mkdir -p "$out"
  echo "== machine"
  node --version
  if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; else echo "nvidia-smi: not found"; fi
  echo "== tfai doctor (WebGPU section)"
  (cd packages/core && node --conditions=@tfai/source --import tsx src/cli/doctor.ts --json) >"$out/doctor.json" 2>/dev/null || true
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = r.webgpu && r.webgpu.adapter;
    if (!a) { console.log("no WebGPU adapter: " + (r.webgpu && r.webgpu.error)); process.exit(2); }
    console.log(`adapter: ${a.vendor} ${a.architecture} ${a.description || a.device} (${a.software ? "SOFTWARE" : "hardware"})`);
    process.exit(a.software ? 3 : 0);' "$out/doctor.json" || {
    rc=$?
    if [[ $rc == 3 && "${GPU_CHECK_ALLOW_SOFTWARE:-0}" == 1 ]]; then echo "software adapter: going on (GPU_CHECK_ALLOW_SOFTWARE=1), figures for the record only"
    else echo "gpu-check: Dawn gives no hardware adapter here (install the NVIDIA driver with its Vulkan ICD, libvulkan1)"; exit 1; fi
  }

  echo "== webgpu parity suite"
  local failed=0 t0=$SECONDS
  for p in core vision tabular text; do
    (cd "packages/$p" && CI=true npx vitest run webgpu 2>&1 | grep -v 'artificially reduced' | grep -E 'FAIL|Test Files|Tests |Duration') || failed=1
    cp "packages/$p/.vitest-report.json" "$out/webgpu-$p.json" 2>/dev/null || true
  done
  node -e '
    let p = 0, f = 0;
    for (const k of ["core", "vision", "tabular", "text"]) {
      try { const r = JSON.parse(require("fs").readFileSync(`${process.argv[1]}/webgpu-${k}.json`, "utf8")); p += r.numPassedTests; f += r.numFailedTests; } catch { f++; }
    }
    console.log(`webgpu parity suite: ${p} passed, ${f} failed`);' "$out"
  echo "(suite took $((SECONDS - t0)) s)"

  # The first python3 that imports torch: with CUDA (>= 2.0, for set_default_device) the torch column is CUDA.
  local py='' torch_env=(BENCH_TORCH_DEVICE=cpu)
  for c in "${BENCH_PYTHON:-}" "$(command -v python3 || true)" /usr/bin/python3; do
    if [[ -n "$c" ]] && "$c" -c 'import torch' 2>/dev/null; then py=$c; break; fi
  done
  if [[ -n "$py" ]] && "$py" -c 'import torch; assert torch.cuda.is_available() and hasattr(torch, "set_default_device")' 2>/dev/null; then
    torch_env=(BENCH_TORCH_DEVICE=cuda BENCH_PYTHON="$py")
    echo "== bench: webgpu, and PyTorch $("$py" -c 'import torch; print(torch.__version__)') on CUDA"
  else
    echo "== bench: webgpu (PyTorch with CUDA >= 2.0 not importable here: the torch column is PyTorch on the CPU${py:+ ($py)}, or empty)"
    [[ -n "$py" ]] && torch_env+=(BENCH_PYTHON="$py")
  fi
  (cd packages/bench && env BENCH_BACKENDS=webgpu BENCH_THREADS="$(nproc)" TORCH_BENCH="$here/../shared/reference/torch/bench.py" "${torch_env[@]}" \
    node --conditions=@tfai/source --import tsx src/run.ts 2>&1 >"$out/bench.json" | grep -v 'artificially reduced' | tail -8)
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const s of r.summary) console.log(`${s.key.padEnd(28)} tfai ${String(s.tfai_ms).padStart(9)} ms   torch ${String(s.torch_ms).padStart(9)} ms   ratio ${s.ratio}`);' "$out/bench.json"
  echo "gpu-check: results in $out"
  return $failed
}

case "$mode" in
  pack) pack "${2:-}" ;;
  run) run ;;
  *) echo "usage: scripts/gpu-check.sh [run | pack [out.tgz]]" >&2; exit 2 ;;
esac
