#!/usr/bin/env bash
# Compiles every kernel source here to the PTX the backend ships
# (src/main/resources/dev/diffopt/cuda/NAME.ptx), when nvcc is on the PATH; otherwise keeps the
# committed PTX. Each PTX file starts with the SHA-256 of its source, which CudaPtxTest checks.
#
# PTX for compute_80 (A100 and newer; H100 = sm_90 JIT-compiles it). nvcc 13 writes ISA
# `.version 9.0`, which needs driver >= 580; the kernels use nothing newer than ISA 7.8, so the
# header is lowered to 7.8, which drivers >= 520 load and JCuda's bundled PTX compiler can check.
# nvcc 13 also emits `.pragma "used_bytes_mask N"` hints (PTX 8.3), which a driver rejects under
# ISA 7.8 (CUDA_ERROR_INVALID_PTX): they are dropped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/dev/diffopt/cuda"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "build-ptx: nvcc not found, using the committed PTX in $out"
  exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for src in "$here"/*.cu; do
  name=$(basename "$src" .cu)
  hash=$(sha256sum "$src" | cut -d' ' -f1)
  if [ -f "$out/$name.ptx" ] && head -1 "$out/$name.ptx" | grep -q "$hash"; then
    continue
  fi
  nvcc -ptx -arch=compute_80 -O3 "$src" -o "$tmp/$name.ptx"
  {
    echo "// diffopt: generated from $name.cu (sha256 $hash) by src/main/cuda/build-ptx.sh"
    sed -e 's/^\.version 9\.[0-9]*$/.version 7.8/' -e '/^[[:space:]]*\.pragma "used_bytes_mask/d' "$tmp/$name.ptx"
  } > "$out/$name.ptx"
  echo "build-ptx: $name.cu -> $name.ptx ($(wc -c < "$out/$name.ptx") bytes)"
done
