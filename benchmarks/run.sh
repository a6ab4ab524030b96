#!/usr/bin/env bash
# Builds what the benchmarks need and runs one of them.
#
#   benchmarks/run.sh adam [--tensors=100 --elements=10000000 --warmup=15 --rounds=60]
#   benchmarks/run.sh tree [--warmup=200000 --batches=300 --batch-us=2000]
#   benchmarks/run.sh meta-step [--tasks=25 --inner-steps=5 --warmup=5 --rounds=40]
#   benchmarks/run.sh maml [--tasks=25 --inner-steps=5 --warmup=5 --rounds=40]
#   benchmarks/run.sh distributed [--tasks=25 --inner-steps=5 --warmup=5 --rounds=40]
#   benchmarks/run.sh cuda-adam [--tensors=100 --elements=100000000 --warmup=10 --rounds=50]
#                               (needs an NVIDIA GPU; compares with PyTorch where python3 has torch)
#
# Extra Maven flags (e.g. -o for offline) go in MVN_ARGS; the benchmark JVM's heap in BENCH_HEAP.
# The benchmark JVM runs with --add-modules jdk.incubator.vector, one intra-op and one inter-op
# libtorch thread, DJL offline without telemetry, and TensorFlow's native logging down to errors
# (TF_CPP_MIN_LOG_LEVEL=2; see benchmarks/pom.xml, profile "bench").
set -euo pipefail

usage() {
  echo "usage: $0 adam|tree|meta-step|maml|distributed|cuda-adam [--option=value ...]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
case "$1" in
  adam) main=dev.diffopt.benchmarks.AdamBenchmark ;;
  maml) main=dev.diffopt.benchmarks.MamlBenchmark ;;
  cuda-adam) main=dev.diffopt.benchmarks.CudaAdamBenchmark ;;
  distributed) main=dev.diffopt.benchmarks.DistributedBenchmark ;;
  tree) main=dev.diffopt.benchmarks.TreeBenchmark ;;
  meta-step) main=dev.diffopt.benchmarks.MetaStepBenchmark ;;
  -h|--help) usage ;;
  *) echo "unknown benchmark '$1'" >&2; usage ;;
esac
shift

cd "$(dirname "$0")/.."
export DJL_OFFLINE=true OPT_OUT_TRACKING=true TF_CPP_MIN_LOG_LEVEL=2

# package (not verify): builds api, backend-djl, backend-tensorflow, examples and benchmarks with -am; no
# test is run, and the bench profile runs the chosen main class in a fresh JVM at the end of the
# benchmarks module.
# shellcheck disable=SC2086
exec mvn -B -q ${MVN_ARGS:-} -pl benchmarks -am package -DskipTests -Pbench \
  "-Dbench.mainClass=$main" "-Dbench.args=$*" "-Dbench.heap=-Xmx${BENCH_HEAP:-2g}"
