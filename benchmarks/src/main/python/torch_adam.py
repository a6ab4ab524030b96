"""PyTorch's Adam on the GPU, the reference figures for `benchmarks/run.sh cuda-adam`.

One Adam step over `--tensors` float32 tensors totalling `--elements` elements (lr 1e-3,
betas (0.9, 0.999), eps 1e-8), with torch.optim.Adam(fused=True) and (foreach=True), and a
device-to-device copy of the gradients' bytes; median milliseconds per step after warm-up,
each step followed by torch.cuda.synchronize(), as the Java side times its own.
Prints `torch_fused_ms X`, `torch_foreach_ms X`, `torch_copy_ms X` and `torch_version V`.
"""
import argparse
import statistics
import time

import torch


def median_ms(step, warmup, rounds):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        step()
        torch.cuda.synchronize()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tensors", type=int, default=100)
    parser.add_argument("--elements", type=int, default=100_000_000)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    size = args.elements // args.tensors
    gen = torch.Generator(device="cuda").manual_seed(0)

    def tensors():
        return [torch.rand(size, device="cuda", generator=gen) for _ in range(args.tensors)]

    print(f"torch_version {torch.__version__} on {torch.cuda.get_device_name()}", flush=True)
    for name, options in (("fused", {"fused": True}), ("foreach", {"foreach": True})):
        params = [torch.nn.Parameter(t) for t in tensors()]
        for p, g in zip(params, tensors()):
            p.grad = g
        opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, **options)
        print(f"torch_{name}_ms {median_ms(opt.step, args.warmup, args.rounds):.4f}", flush=True)
        del opt, params
        torch.cuda.empty_cache()
    src = torch.rand(size * args.tensors, device="cuda", generator=gen)
    dst = torch.empty_like(src)
    print(f"torch_copy_ms {median_ms(lambda: dst.copy_(src), args.warmup, args.rounds):.4f}",
          flush=True)


if __name__ == "__main__":
    main()
