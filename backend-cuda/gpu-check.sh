#!/usr/bin/env bash
# Every GPU check of backend-cuda in one go, for a GPU machine without Java or Maven.
# Here (with Java and Maven):  mvn -DskipTests install -pl backend-cuda,benchmarks -am
#                              ../shared/tools/gpu-bundle.sh backend-cuda
#                              backend-cuda/gpu-bundle-bench.sh   (adds the benchmark classes)
# There:                       bash backend-cuda/gpu-check.sh [test|bench|all]
# Writes the JUnit report and logs under $OUT (or ./gpu-out) and prints the figures.
set -uo pipefail
what=${1:-all}
out=${OUT:-gpu-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv,noheader
if [ "$what" = test ] || [ "$what" = all ]; then
  start=$(date +%s)
  timeout "${TEST_TIMEOUT:-600}" bash .gpu-bundle/run.sh test --scan-classpath .gpu-bundle/classes \
    --details=tree --disable-ansi-colors --reports-dir "$out/reports" > "$out/junit.log" 2>&1
  echo "junit exit $? in $(( $(date +%s) - start )) s"
  grep -E "tests (found|successful|failed|aborted|skipped)|containers failed" "$out/junit.log"
  grep -E "✘" "$out/junit.log" | cut -c1-300 | head -60
fi
if [ "$what" = bench ] || [ "$what" = all ]; then
  if [ -f .gpu-bundle/classes/dev/diffopt/benchmarks/CudaAdamBenchmark.class ]; then
    timeout "${BENCH_TIMEOUT:-600}" bash .gpu-bundle/run.sh dev.diffopt.benchmarks.CudaAdamBenchmark \
      --python=benchmarks/src/main/python/torch_adam.py 2>&1 | tee "$out/bench.log"
  else
    echo "no benchmark classes in the bundle"
  fi
fi
