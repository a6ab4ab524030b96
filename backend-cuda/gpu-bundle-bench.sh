#!/usr/bin/env bash
# Adds the cuda-adam benchmark (dev.diffopt.benchmarks.*) to a .gpu-bundle made for backend-cuda,
# so that gpu-check.sh can run it on a GPU machine without Java. Run after
# `mvn -B -q install -DskipTests -pl backend-cuda,benchmarks -am` and ../shared/tools/gpu-bundle.sh.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
classes="$root/benchmarks/target/classes/dev/diffopt/benchmarks"
[ -d "$classes" ] || { echo "build the benchmarks module first" >&2; exit 2; }
mkdir -p "$root/.gpu-bundle/classes/dev/diffopt/benchmarks"
for c in CudaAdamBenchmark Harness 'Harness$Variant' 'Harness$Stats' Report Args; do
  cp "$classes/$c.class" "$root/.gpu-bundle/classes/dev/diffopt/benchmarks/"
done
echo "added the cuda-adam benchmark to .gpu-bundle/classes"
