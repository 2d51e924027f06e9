#!/usr/bin/env bash
# A/B of one training step, before (8adcdab, core/bench) vs after (main, packages/bench), interleaved, same machine.
# Usage: ab.sh ROUNDS; writes /work/ab/results.jsonl
out=/work/ab/results.jsonl
rounds=${1:-2}
declare -A W=([resnet18]=2 [tabular]=20 [lstm]=2 [awdlstm]=2 [collab]=50)
declare -A S=([resnet18]=5 [tabular]=30 [lstm]=5 [awdlstm]=5 [collab]=100)
for r in $(seq 1 $rounds); do
  for m in resnet18 tabular lstm awdlstm collab; do
    for t in 1 2; do
      for side in before after; do
        if [[ $side == before ]]; then dir=/work/wt-before/packages/core; f=bench/measure.ts; else dir=/work/main/packages/bench; f=src/measure.ts; fi
        line=$(cd $dir && MODEL=$m THREADS=$t WARM=${W[$m]} STEPS=${S[$m]} timeout 600 node --conditions=@tfai/source --import tsx $f 2>/dev/null | grep '^RESULT' | sed 's/^RESULT //')
        med=$(echo "$line" | python3 -c "import json,sys; d=json.loads(sys.stdin.read() or '{}'); print(d.get('median_ms'))")
        echo "{\"round\":$r,\"model\":\"$m\",\"threads\":$t,\"side\":\"$side\",\"median_ms\":$med}" >> $out
      done
    done
  done
done
