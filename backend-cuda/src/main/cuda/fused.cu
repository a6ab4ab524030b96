// diffopt backend-cuda: multi-tensor fused optimizer steps (CudaFusedUpdates).
//
// One launch updates every parameter of a step (LAMB: three). The host builds, once per
// prepared step, a device table with one Row per non-empty parameter (addresses of p and of its
// state slots, element count, first block) and a block table mapping each block to its row; block
// b of a row covers elements [(b - first_block) * chunk, + chunk). Per step only the gradient
// addresses change: they travel by value in the kernel parameters (struct Grads, up to
// GRAD_CAPACITY rows per launch; more rows take one launch per GRAD_CAPACITY rows), together with
// the step's scalars and counters (struct Step). Block 0 thread 0 of the designated launch writes
// the new step counters (and NAdam's mu product) into their 0-d state tensors, so the host never
// waits for the device.
//
// Every operation is a separate correctly rounded IEEE operation (__fadd_rn & co., never
// contracted into FMA), in the order of the op-by-op transformations. The step scalars that need
// exp, log or pow (bias corrections, RAdam's rectification, NAdam's momentum schedule) are
// computed here, per thread, with the same CUDA math functions and the same operation order as
// the op-by-op path computes them with ops.cu's kernels (CUDA's expf, logf and powf are not
// correctly rounded, so host values would differ from them by an ulp or two). A fused step thus
// reproduces the op-by-op path to the last bit, LAMB's norms (summed in another order) aside.
// Where 16-byte aligned, p, g and the slots move as float4 / double2.
//
// StepScalars.java and MultiTensorTable.java mirror the constants and layouts below; a unit test
// compares them with this file and with the PTX parameter sizes.

#include <stddef.h>
#include <stdint.h>

#define MAX_SLOTS 4
#define GRAD_CAPACITY 384
#define MAX_THREADS 256

// ------------------------------------------------------------------------------- step scalars
// indices into Step::v: hyper-parameters and host-computed per-step values
#define S_SIGN 0
#define S_L2 1
#define S_DECOUPLED 2
#define S_MOMENTUM 3
#define S_UNDAMPED 4
#define S_PROXIMAL 5
#define S_PROXIMAL_DENOMINATOR 6
#define S_LR 7
#define S_B1 8
#define S_C1 9
#define S_B2 10
#define S_C2 11
#define S_B3 12
#define S_C3 13
#define S_EPS 14
#define S_EPS_ROOT 15
#define S_NLOG_B1 16
#define S_NLOG_B2 17
#define S_RHO_INF 18
#define S_RHO_CONSTANT 19
#define S_MOMENTUM_DECAY 20
#define S_COUNT 24

// Step::flags
#define F_L2 1
#define F_DECOUPLED 2
#define F_TRACE 4
#define F_NESTEROV 8
#define F_TRACE_FIRST 16
#define F_PROXIMAL 32
#define F_AMSGRAD 64
#define F_EPS_ROOT 128
#define F_CENTERED 256
#define F_CAN_ADAPT 512
#define F_FIRST 1024

// One parameter tensor with at least one element (64 bytes).
struct Row {
  unsigned long long p;                // parameter
  unsigned long long s[MAX_SLOTS];     // state slots (0 where the rule has fewer)
  long long n;                         // elements
  int first_block;                     // its first entry in the block table
  int blocks;                          // its number of blocks
  int vec;                             // 1: p and every slot are 16-byte aligned
  int pad;
};

// The per-launch scalars, passed by value (288 bytes). Values travel as doubles for both dtypes
// (a float32 kernel's values are floats, widened exactly): float fields side by side would let
// nvcc merge them into vector loads marked with a PTX 8.3 pragma.
template <typename T> struct Step {
  long long count[3];                  // new values of the core, trace and lr step counters
  unsigned long long counter[3];       // their 0-d INT64 tensors (0: none or not this launch)
  unsigned long long product;          // NAdam: the state's 0-d mu product (0: not this launch)
  unsigned long long product_in;       // NAdam: the product before the step (a scratch slot)
  unsigned long long product_out;      // NAdam: the other scratch slot (0: not this launch)
  int flags;
  int slots;                           // state slots per row (core, then the trace)
  int first_row;                       // the first row of this launch (grads.g[0] is its)
  int first_block;                     // the first block-table entry of this launch
  int chunk;                           // elements per block, a multiple of 4
  int pad;
  double v[S_COUNT];
};

// The gradient address of each row of a launch: grads.g[row - first_row].
struct Grads {
  unsigned long long g[GRAD_CAPACITY];
};

// the layouts MultiTensorTable.java and StepScalars.java write
static_assert(sizeof(Row) == 64, "struct Row is 64 bytes");
static_assert(offsetof(Row, n) == 40 && offsetof(Row, first_block) == 48
              && offsetof(Row, vec) == 56, "struct Row offsets");
static_assert(sizeof(Step<float>) == 288 && sizeof(Step<double>) == 288, "struct Step sizes");
static_assert(offsetof(Step<float>, product_out) == 64 && offsetof(Step<float>, flags) == 72
              && offsetof(Step<float>, chunk) == 88 && offsetof(Step<float>, v) == 96
              && offsetof(Step<double>, v) == 96, "struct Step offsets");
static_assert(sizeof(Grads) == 8 * GRAD_CAPACITY, "struct Grads size");

// ------------------------------------------------------------------------------- arithmetic
// correctly rounded, never fused into an FMA (the op-by-op path rounds after every operation)

__device__ __forceinline__ float add(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ float sub(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ float div(float a, float b) { return __fdiv_rn(a, b); }
__device__ __forceinline__ float root(float a) { return __fsqrt_rn(a); }
__device__ __forceinline__ float magnitude(float a) { return fabsf(a); }
__device__ __forceinline__ double add(double a, double b) { return __dadd_rn(a, b); }
__device__ __forceinline__ double sub(double a, double b) { return __dsub_rn(a, b); }
__device__ __forceinline__ double mul(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ double div(double a, double b) { return __ddiv_rn(a, b); }
__device__ __forceinline__ double root(double a) { return __dsqrt_rn(a); }
__device__ __forceinline__ double magnitude(double a) { return fabs(a); }

// as ops.cu's maximum and minimum (NaN propagates) and sign (NaN and signed zeros pass through)
template <typename T> __device__ __forceinline__ T maximum(T a, T b) {
  return (a != a || b != b) ? a + b : (a > b ? a : b);
}
template <typename T> __device__ __forceinline__ T minimum(T a, T b) {
  return (a != a || b != b) ? a + b : (a < b ? a : b);
}
template <typename T> __device__ __forceinline__ T signum(T x) {
  return x > (T) 0 ? (T) 1 : (x < (T) 0 ? (T) -1 : x);
}

// ------------------------------------------------------------------------------- step scalars
// The scalars of a step in T, in registers: Step::v narrowed, plus the values computed per thread
// below (K_* indices continue Step's).
#define K_BC1 (S_COUNT + 0)
#define K_BC2 (S_COUNT + 1)
#define K_FACTOR (S_COUNT + 2)
#define K_MOM_COEF (S_COUNT + 3)
#define K_PRODUCT (S_COUNT + 4)
#define K_COUNT (S_COUNT + 5)

template <typename T> struct Scalars {
  T v[K_COUNT];
  int f;           // Step::flags
  bool adaptive;   // RAdam: rho_t > 5
};

template <typename T> __device__ __forceinline__ Scalars<T> narrow(const Step<T>& s) {
  Scalars<T> k;
#pragma unroll
  for (int i = 0; i < S_COUNT; i++) k.v[i] = (T) s.v[i];
#pragma unroll
  for (int i = S_COUNT; i < K_COUNT; i++) k.v[i] = (T) 0;
  k.f = s.flags;
  k.adaptive = false;
  return k;
}

// beta^-t - 1 as Counters.inversePowerMinusOne computes it with ops.cu's kernels:
// x = min(t * (-ln beta), 80); w = e^x; w == 1 ? x : ((w - 1) * x) / ln w
template <typename T> __device__ __forceinline__ T inverse_power_minus_one(T t, T negLogBeta) {
  T x = minimum(mul(t, negLogBeta), (T) 80);
  T w = exp(x);
  return w == (T) 1 ? x : div(mul(sub(w, (T) 1), x), log(w));
}

// 1 - beta^t as Counters.biasCorrection: e / (e + 1); 1 for beta = 0 (-ln beta = +inf)
template <typename T> __device__ __forceinline__ T bias_correction(T t, T negLogBeta) {
  if (isinf(negLogBeta)) return (T) 1;
  T e = inverse_power_minus_one(t, negLogBeta);
  return div(e, add(e, (T) 1));
}

// NAdam's mu_t = b1 * (1 - 0.96^(t * psi) * 0.5), as ScaleByNadam.momentum
template <typename T> __device__ __forceinline__ T nadam_momentum(const Scalars<T>& k, T t) {
  T decay = pow((T) 0.96, mul(t, k.v[S_MOMENTUM_DECAY]));
  return mul(sub((T) 1, mul(decay, (T) 0.5)), k.v[S_B1]);
}

// ------------------------------------------------------------------------------- vector moves

template <typename T> struct Lanes;
template <> struct Lanes<float> { static const int N = 4; };
template <> struct Lanes<double> { static const int N = 2; };

__device__ __forceinline__ void vload(const float* a, float (&x)[4]) {
  float4 v = *reinterpret_cast<const float4*>(a);
  x[0] = v.x; x[1] = v.y; x[2] = v.z; x[3] = v.w;
}
__device__ __forceinline__ void vload(const double* a, double (&x)[2]) {
  double2 v = *reinterpret_cast<const double2*>(a);
  x[0] = v.x; x[1] = v.y;
}
__device__ __forceinline__ void vstore(float* a, const float (&x)[4]) {
  *reinterpret_cast<float4*>(a) = make_float4(x[0], x[1], x[2], x[3]);
}
__device__ __forceinline__ void vstore(double* a, const double (&x)[2]) {
  *reinterpret_cast<double2*>(a) = make_double2(x[0], x[1]);
}

// ------------------------------------------------------------------------------- shared steps

// x = g·(±1) [+ λ_L2·p]
template <typename T> __device__ __forceinline__ T incoming(const Scalars<T>& k, T p, T g) {
  T x = mul(g, k.v[S_SIGN]);
  if (k.f & F_L2) x = add(x, mul(p, k.v[S_L2]));
  return x;
}

// u [+ λ_dec·p]
template <typename T> __device__ __forceinline__ T decoupled(const Scalars<T>& k, T p, T u) {
  return (k.f & F_DECOUPLED) ? add(u, mul(p, k.v[S_DECOUPLED])) : u;
}

// the trace (momentum buffer b, updated in place): b = u on a dampened trace's first step, else
// μ·b + (1 − τ)·u; returns u + μ·b (nesterov) or b
template <typename T> __device__ __forceinline__ T traced(const Scalars<T>& k, T u, T& b) {
  T t = (k.f & F_TRACE_FIRST) ? u : add(mul(b, k.v[S_MOMENTUM]), mul(u, k.v[S_UNDAMPED]));
  b = t;
  return (k.f & F_NESTEROV) ? add(u, mul(t, k.v[S_MOMENTUM])) : t;
}

// p + [(s − d·p) / (1 + d)] with s = u·(−η_t)
template <typename T> __device__ __forceinline__ T stepped(const Scalars<T>& k, T p, T u) {
  T d = mul(u, k.v[S_LR]);
  if (k.f & F_PROXIMAL) d = div(sub(d, mul(p, k.v[S_PROXIMAL])), k.v[S_PROXIMAL_DENOMINATOR]);
  return add(p, d);
}

// ------------------------------------------------------------------------------- the rules
// Each rule has begin (its per-step scalars, from the step's counter t, once per thread) and apply
// (one element: p and its state slots st[] in place, from gradient g). The slot order is the Java
// side's (FusedRule.slotTrees), the trace after the core's slots.

struct NoScalars {
  template <typename T>
  static __device__ __forceinline__ void begin(Scalars<T>& k, const Step<T>& s) {}
};

struct Sgd : NoScalars {  // slots: [trace]
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T u = decoupled(k, p, incoming(k, p, g));
    if (k.f & F_TRACE) u = traced(k, u, st[0]);
    p = stepped(k, p, u);
  }
};

// m, v and (amsgrad) v̂max in place; returns v or v̂max
template <typename T>
__device__ __forceinline__ T adam_moments(const Scalars<T>& k, T x, T (&st)[MAX_SLOTS]) {
  T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
  T v = add(mul(st[1], k.v[S_B2]), mul(mul(x, x), k.v[S_C2]));
  st[0] = m;
  st[1] = v;
  if (k.f & F_AMSGRAD) {
    v = maximum(st[2], v);
    st[2] = v;
  }
  return v;
}

// (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ) [+ ε_root]) + ε)
template <typename T> __device__ __forceinline__ T adam_direction(const Scalars<T>& k, T m, T v) {
  T vHat = div(v, k.v[K_BC2]);
  if (k.f & F_EPS_ROOT) vHat = add(vHat, k.v[S_EPS_ROOT]);
  return div(div(m, k.v[K_BC1]), add(root(vHat), k.v[S_EPS]));
}

// 1 − β₁ᵗ and 1 − β₂ᵗ
struct BothCorrections {
  template <typename T>
  static __device__ __forceinline__ void begin(Scalars<T>& k, const Step<T>& s) {
    T t = (T) s.count[0];
    k.v[K_BC1] = bias_correction(t, k.v[S_NLOG_B1]);
    k.v[K_BC2] = bias_correction(t, k.v[S_NLOG_B2]);
  }
};

struct Adam : BothCorrections {  // slots: m, v, [v̂max]
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T v = adam_moments(k, x, st);
    T u = decoupled(k, p, adam_direction(k, st[0], v));
    p = stepped(k, p, u);
  }
};

struct RmsProp : NoScalars {  // slots: v, [trace]; centered: m, v, [trace]; α in B1, 1 − α in C1
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T u;
    if (k.f & F_CENTERED) {
      T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
      T v = add(mul(st[1], k.v[S_B1]), mul(mul(x, x), k.v[S_C1]));
      st[0] = m;
      st[1] = v;
      u = div(x, add(root(sub(v, mul(m, m))), k.v[S_EPS]));
    } else {
      T v = add(mul(st[0], k.v[S_B1]), mul(mul(x, x), k.v[S_C1]));
      st[0] = v;
      u = div(x, add(root(v), k.v[S_EPS]));
    }
    u = decoupled(k, p, u);
    if (k.f & F_TRACE) {
      if (k.f & F_CENTERED) {
        u = traced(k, u, st[2]);
      } else {
        u = traced(k, u, st[1]);
      }
    }
    p = stepped(k, p, u);
  }
};

struct Adagrad : NoScalars {  // slots: sum of squares
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T sum = add(st[0], mul(x, x));
    st[0] = sum;
    T u = decoupled(k, p, div(x, add(root(sum), k.v[S_EPS])));
    p = stepped(k, p, u);
  }
};

struct Adadelta : NoScalars {  // slots: v (square average), a (accumulated delta); ρ in B1
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T v = add(mul(st[0], k.v[S_B1]), mul(mul(x, x), k.v[S_C1]));
    T a = st[1];
    T u = mul(div(root(add(a, k.v[S_EPS])), root(add(v, k.v[S_EPS]))), x);
    st[0] = v;
    st[1] = add(mul(a, k.v[S_B1]), mul(mul(u, u), k.v[S_C1]));
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

struct Adamax {  // slots: m, w
  template <typename T>
  static __device__ __forceinline__ void begin(Scalars<T>& k, const Step<T>& s) {
    k.v[K_BC1] = bias_correction((T) s.count[0], k.v[S_NLOG_B1]);
  }

  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
    T w = maximum(mul(st[1], k.v[S_B2]), add(magnitude(x), k.v[S_EPS]));
    st[0] = m;
    st[1] = w;
    T u = decoupled(k, p, div(div(m, k.v[K_BC1]), w));
    p = stepped(k, p, u);
  }
};

struct RAdam {  // slots: m, v; K_FACTOR = r_t·sqrt(1 − β₂ᵗ), adaptive when ρ_t > 5
  // as ScaleByRAdam.rectification: ρ_t = ρ∞ − 2t/e, 1 − β₂ᵗ = e/(e + 1) with e = β₂^−t − 1
  template <typename T>
  static __device__ __forceinline__ void begin(Scalars<T>& k, const Step<T>& s) {
    T t = (T) s.count[0];
    k.v[K_BC1] = bias_correction(t, k.v[S_NLOG_B1]);
    if (!(k.f & F_CAN_ADAPT)) return;
    T rhoInf = k.v[S_RHO_INF];
    T expm1 = inverse_power_minus_one(t, k.v[S_NLOG_B2]);
    T rho = sub(rhoInf, div(mul(t, (T) 2), expm1));
    T c2 = div(expm1, add(expm1, (T) 1));
    k.adaptive = (T) 5 < rho;
    T safeRho = k.adaptive ? rho : rhoInf;
    T rect = root(div(mul(mul(add(safeRho, (T) -4), add(safeRho, (T) -2)), k.v[S_RHO_CONSTANT]),
                      safeRho));
    k.v[K_FACTOR] = mul(rect, root(c2));
  }

  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
    T v = add(mul(st[1], k.v[S_B2]), mul(mul(x, x), k.v[S_C2]));
    st[0] = m;
    st[1] = v;
    T mHat = div(m, k.v[K_BC1]);
    T u = k.adaptive ? div(mul(mHat, k.v[K_FACTOR]), add(root(v), k.v[S_EPS])) : mHat;
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

struct NAdam {  // slots: m, v; the μ product Π read from product_in
  // as ScaleByNadam.update: μ_t, μ_{t+1}, Π_t = Π_{t−1}·μ_t, the two coefficients, 1 − β₂ᵗ
  template <typename T>
  static __device__ __forceinline__ void begin(Scalars<T>& k, const Step<T>& s) {
    T t = (T) s.count[0];
    T mu = nadam_momentum(k, t);
    T muNext = nadam_momentum(k, add(t, (T) 1));
    T product = mul(*reinterpret_cast<const T*>(s.product_in), mu);
    T productNext = mul(product, muNext);
    k.v[K_PRODUCT] = product;
    k.v[K_BC2] = bias_correction(t, k.v[S_NLOG_B2]);
    k.v[K_FACTOR] = div(sub((T) 1, mu), sub((T) 1, product));
    k.v[K_MOM_COEF] = div(muNext, sub((T) 1, productNext));
  }

  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
    T v = add(mul(st[1], k.v[S_B2]), mul(mul(x, x), k.v[S_C2]));
    st[0] = m;
    st[1] = v;
    T d = add(root(div(v, k.v[K_BC2])), k.v[S_EPS]);
    T u = div(add(mul(x, k.v[K_FACTOR]), mul(m, k.v[K_MOM_COEF])), d);
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

struct Lion : NoScalars {  // slots: m
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m = st[0];
    T u = signum(add(mul(m, k.v[S_B1]), mul(x, k.v[S_C1])));
    st[0] = add(mul(m, k.v[S_B2]), mul(x, k.v[S_C2]));
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

struct AdaBelief : BothCorrections {  // slots: m, s
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
    T d = sub(x, m);
    T belief = add(add(mul(st[1], k.v[S_B2]), mul(mul(d, d), k.v[S_C2])), k.v[S_EPS]);
    st[0] = m;
    st[1] = belief;
    T u = div(div(m, k.v[K_BC1]), add(root(div(belief, k.v[K_BC2])), k.v[S_EPS]));
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

struct Adan : NoScalars {  // slots: m, v (delta), n, previous x; F_FIRST on the first step
  template <typename T>
  static __device__ __forceinline__ void apply(const Scalars<T>& k, T& p, T g, T (&st)[MAX_SLOTS]) {
    T x = incoming(k, p, g);
    T m, n, diff;
    if (k.f & F_FIRST) {
      diff = sub(x, x);
      T q = add(x, mul(diff, k.v[S_B2]));
      m = x;
      n = mul(q, q);
    } else {
      diff = sub(x, st[3]);
      T q = add(x, mul(diff, k.v[S_B2]));
      m = add(mul(st[0], k.v[S_B1]), mul(x, k.v[S_C1]));
      n = add(mul(st[2], k.v[S_B3]), mul(mul(q, q), k.v[S_C3]));
    }
    T v = add(mul(st[1], k.v[S_B2]), mul(diff, k.v[S_C2]));
    st[0] = m;
    st[1] = v;
    st[2] = n;
    st[3] = add(x, (T) 0);
    T u = div(add(m, mul(v, k.v[S_B2])), add(root(n), k.v[S_EPS]));
    u = decoupled(k, p, u);
    p = stepped(k, p, u);
  }
};

// ------------------------------------------------------------------------------- the driver

// Block 0 thread 0 of the launch that carries their addresses writes the new counters and NAdam's
// product (into the state tensor and the scratch slot the next step reads). No thread of any
// launch of this step reads those places.
template <typename T> __device__ __forceinline__ void write_step(const Step<T>& s,
                                                                 const Scalars<T>& k) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    for (int c = 0; c < 3; c++) {
      if (s.counter[c] != 0) *reinterpret_cast<long long*>(s.counter[c]) = s.count[c];
    }
    if (s.product != 0) *reinterpret_cast<T*>(s.product) = k.v[K_PRODUCT];
    if (s.product_out != 0) *reinterpret_cast<T*>(s.product_out) = k.v[K_PRODUCT];
  }
}

// Σ x over the block (x as each thread holds it), in a fixed order; the result is in thread 0.
// blockDim.x is a multiple of 32, at most 1024; `warps` is shared memory for 32 doubles.
__device__ __forceinline__ double block_sum(double x, double* warps) {
  for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(0xffffffffu, x, o);
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  if (lane == 0) warps[warp] = x;
  __syncthreads();
  if (warp == 0) {
    x = lane < (int) (blockDim.x >> 5) ? warps[lane] : 0.0;
    for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(0xffffffffu, x, o);
  }
  __syncthreads();
  return x;
}

// What one block works on: its row's pointers and its element range [start, end).
template <typename T> struct Span {
  T* p;
  const T* g;
  T* st[MAX_SLOTS];
  long long start;
  long long end;
  bool vec;
};

// (Row fields are read one by one: nvcc 13 merges neighbouring fields into vector loads marked
// with a PTX 8.3 pragma, which the lowered .version 7.8 header does not allow.)
template <typename T>
__device__ __forceinline__ Span<T> span_of(const Row* rows, const int* blocks, const Step<T>& s,
                                           const Grads* grads) {
  int b = s.first_block + (int) blockIdx.x;
  int r = __ldg(blocks + b);
  const Row* row = rows + r;
  Span<T> sp;
  sp.p = reinterpret_cast<T*>(__ldg(&row->p));
  unsigned long long g = grads != nullptr ? grads->g[r - s.first_row] : 0ull;
  sp.g = reinterpret_cast<const T*>(g);
#pragma unroll
  for (int k = 0; k < MAX_SLOTS; k++) sp.st[k] = reinterpret_cast<T*>(__ldg(&row->s[k]));
  long long n = __ldg(&row->n);
  sp.start = (long long) (b - __ldg(&row->first_block)) * s.chunk;
  long long end = sp.start + s.chunk;
  sp.end = end < n ? end : n;
  sp.vec = __ldg(&row->vec) != 0 && (g & 15ull) == 0;
  return sp;
}

// Applies Rule to every element of this block's span, as vectors where aligned.
template <typename T, typename Rule>
__device__ __forceinline__ void each_element(const Scalars<T>& k, int ns, const Span<T>& sp) {
  const int V = Lanes<T>::N;
  long long i = sp.start;
  if (sp.vec) {
    long long vend = sp.start + (sp.end - sp.start) / V * V;
    for (long long j = sp.start + (long long) threadIdx.x * V; j < vend;
         j += (long long) blockDim.x * V) {
      T pv[V], gv[V], sv[MAX_SLOTS][V];
      vload(sp.p + j, pv);
      vload(sp.g + j, gv);
#pragma unroll
      for (int q = 0; q < MAX_SLOTS; q++) {
        if (q < ns) {
          vload(sp.st[q] + j, sv[q]);
        } else {
#pragma unroll
          for (int l = 0; l < V; l++) sv[q][l] = (T) 0;
        }
      }
#pragma unroll
      for (int l = 0; l < V; l++) {
        T e[MAX_SLOTS];
#pragma unroll
        for (int q = 0; q < MAX_SLOTS; q++) e[q] = sv[q][l];
        Rule::apply(k, pv[l], gv[l], e);
#pragma unroll
        for (int q = 0; q < MAX_SLOTS; q++) sv[q][l] = e[q];
      }
#pragma unroll
      for (int q = 0; q < MAX_SLOTS; q++) {
        if (q < ns) vstore(sp.st[q] + j, sv[q]);
      }
      vstore(sp.p + j, pv);
    }
    i = vend;
  }
  for (long long j = i + threadIdx.x; j < sp.end; j += blockDim.x) {
    T p = sp.p[j];
    T e[MAX_SLOTS];
#pragma unroll
    for (int q = 0; q < MAX_SLOTS; q++) e[q] = q < ns ? sp.st[q][j] : (T) 0;
    Rule::apply(k, p, sp.g[j], e);
#pragma unroll
    for (int q = 0; q < MAX_SLOTS; q++) {
      if (q < ns) sp.st[q][j] = e[q];
    }
    sp.p[j] = p;
  }
}

template <typename T, typename Rule>
__device__ __forceinline__ void fused_step(const Row* rows, const int* blocks, const Step<T>& s,
                                           const Grads& grads) {
  Scalars<T> k = narrow(s);
  Rule::begin(k, s);
  write_step(s, k);
  Span<T> sp = span_of(rows, blocks, s, &grads);
  each_element<T, Rule>(k, s.slots, sp);
}

#define FUSED(NAME, RULE, SUFFIX, T)                                                         \
  extern "C" __global__ void __launch_bounds__(MAX_THREADS)                                 \
  fused_##NAME##_##SUFFIX(const Row* rows, const int* blocks, Step<T> s, Grads grads) {      \
    fused_step<T, RULE>(rows, blocks, s, grads);                                            \
  }

#define FUSED_BOTH(NAME, RULE) \
  FUSED(NAME, RULE, f32, float) \
  FUSED(NAME, RULE, f64, double)

FUSED_BOTH(sgd, Sgd)
FUSED_BOTH(adam, Adam)
FUSED_BOTH(rmsprop, RmsProp)
FUSED_BOTH(adagrad, Adagrad)
FUSED_BOTH(adadelta, Adadelta)
FUSED_BOTH(adamax, Adamax)
FUSED_BOTH(radam, RAdam)
FUSED_BOTH(nadam, NAdam)
FUSED_BOTH(lion, Lion)
FUSED_BOTH(adabelief, AdaBelief)
FUSED_BOTH(adan, Adan)

// ------------------------------------------------------------------------------- LAMB
// Three launches (the trust ratio needs every element's update before any parameter changes).
// lamb_moments: Adam's moments in place, and per block the sums of p² and r² (r = Adam's
// direction [+ λ_dec·p]; each square rounded in T, summed in double, as the op-by-op
// sum(square(·)) does) into partials[2b], partials[2b + 1]. lamb_norms: one block per row adds up
// the row's partials in a fixed order (deterministic, no atomics) and stores the trust ratio
// ‖p‖ / ‖r‖ (1 when either is 0), formed in T, in ratios[row]. lamb_apply: recomputes r from the
// stored moments and updates p.

template <typename T>
__device__ __forceinline__ T lamb_direction(const Scalars<T>& k, T p, T m, T v) {
  return decoupled(k, p, adam_direction(k, m, v));
}

template <typename T>
__device__ __forceinline__ void lamb_sums(const Scalars<T>& k, T p, T g, T (&st)[MAX_SLOTS],
                                          double& ps, double& rs) {
  T x = incoming(k, p, g);
  T v = adam_moments(k, x, st);
  T r = lamb_direction(k, p, st[0], v);
  ps += (double) mul(p, p);
  rs += (double) mul(r, r);
}

template <typename T>
__device__ __forceinline__ void lamb_moments(const Row* rows, const int* blocks, double* partials,
                                             const Step<T>& s, const Grads& grads) {
  __shared__ double warps[32];
  Scalars<T> k = narrow(s);
  BothCorrections::begin(k, s);
  Span<T> sp = span_of(rows, blocks, s, &grads);
  const int ns = s.slots;
  const int V = Lanes<T>::N;
  double ps = 0.0;
  double rs = 0.0;
  long long i = sp.start;
  if (sp.vec) {
    long long vend = sp.start + (sp.end - sp.start) / V * V;
    for (long long j = sp.start + (long long) threadIdx.x * V; j < vend;
         j += (long long) blockDim.x * V) {
      T pv[V], gv[V], sv[3][V];
      vload(sp.p + j, pv);
      vload(sp.g + j, gv);
#pragma unroll
      for (int q = 0; q < 3; q++) {
        if (q < ns) {
          vload(sp.st[q] + j, sv[q]);
        } else {
#pragma unroll
          for (int l = 0; l < V; l++) sv[q][l] = (T) 0;
        }
      }
#pragma unroll
      for (int l = 0; l < V; l++) {
        T e[MAX_SLOTS] = {sv[0][l], sv[1][l], sv[2][l], (T) 0};
        lamb_sums(k, pv[l], gv[l], e, ps, rs);
#pragma unroll
        for (int q = 0; q < 3; q++) sv[q][l] = e[q];
      }
#pragma unroll
      for (int q = 0; q < 3; q++) {
        if (q < ns) vstore(sp.st[q] + j, sv[q]);
      }
    }
    i = vend;
  }
  for (long long j = i + threadIdx.x; j < sp.end; j += blockDim.x) {
    T e[MAX_SLOTS];
#pragma unroll
    for (int q = 0; q < MAX_SLOTS; q++) e[q] = q < ns ? sp.st[q][j] : (T) 0;
    lamb_sums(k, sp.p[j], sp.g[j], e, ps, rs);
#pragma unroll
    for (int q = 0; q < MAX_SLOTS; q++) {
      if (q < ns) sp.st[q][j] = e[q];
    }
  }
  ps = block_sum(ps, warps);
  rs = block_sum(rs, warps);
  if (threadIdx.x == 0) {
    long long b = (long long) s.first_block + blockIdx.x;
    partials[2 * b] = ps;
    partials[2 * b + 1] = rs;
  }
}

template <typename T>
__device__ __forceinline__ void lamb_norms(const Row* rows, const double* partials, T* ratios) {
  __shared__ double warps[32];
  const Row* row = rows + blockIdx.x;
  const long long first = __ldg(&row->first_block);
  const int count = __ldg(&row->blocks);
  double ps = 0.0;
  double rs = 0.0;
  for (int q = threadIdx.x; q < count; q += blockDim.x) {
    ps += partials[2 * (first + q)];
    rs += partials[2 * (first + q) + 1];
  }
  ps = block_sum(ps, warps);
  rs = block_sum(rs, warps);
  if (threadIdx.x == 0) {
    T pSquares = (T) ps;
    T rSquares = (T) rs;
    ratios[blockIdx.x] =
        (pSquares == (T) 0 || rSquares == (T) 0) ? (T) 1 : div(root(pSquares), root(rSquares));
  }
}

template <typename T>
__device__ __forceinline__ void lamb_apply(const Row* rows, const int* blocks, const T* ratios,
                                           const Step<T>& s) {
  Scalars<T> k = narrow(s);
  BothCorrections::begin(k, s);
  write_step(s, k);
  const T ratio = ratios[__ldg(blocks + s.first_block + (int) blockIdx.x)];
  Span<T> sp = span_of<T>(rows, blocks, s, nullptr);
  T* vs = (k.f & F_AMSGRAD) ? sp.st[2] : sp.st[1];
  const int V = Lanes<T>::N;
  long long i = sp.start;
  if (sp.vec) {
    long long vend = sp.start + (sp.end - sp.start) / V * V;
    for (long long j = sp.start + (long long) threadIdx.x * V; j < vend;
         j += (long long) blockDim.x * V) {
      T pv[V], mv[V], vv[V];
      vload(sp.p + j, pv);
      vload(sp.st[0] + j, mv);
      vload(vs + j, vv);
#pragma unroll
      for (int l = 0; l < V; l++) {
        T u = lamb_direction(k, pv[l], mv[l], vv[l]);
        pv[l] = stepped(k, pv[l], mul(u, ratio));
      }
      vstore(sp.p + j, pv);
    }
    i = vend;
  }
  for (long long j = i + threadIdx.x; j < sp.end; j += blockDim.x) {
    T p = sp.p[j];
    T u = lamb_direction(k, p, sp.st[0][j], vs[j]);
    sp.p[j] = stepped(k, p, mul(u, ratio));
  }
}

#define LAMB(SUFFIX, T)                                                                      \
  extern "C" __global__ void __launch_bounds__(MAX_THREADS)                                 \
  fused_lamb_moments_##SUFFIX(const Row* rows, const int* blocks, double* partials,          \
                              Step<T> s, Grads grads) {                                      \
    lamb_moments<T>(rows, blocks, partials, s, grads);                                       \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(MAX_THREADS)                                 \
  fused_lamb_norms_##SUFFIX(const Row* rows, const double* partials, T* ratios) {            \
    lamb_norms<T>(rows, partials, ratios);                                                   \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(MAX_THREADS)                                 \
  fused_lamb_apply_##SUFFIX(const Row* rows, const int* blocks, const T* ratios, Step<T> s) { \
    lamb_apply<T>(rows, blocks, ratios, s);                                                  \
  }
LAMB(f32, float)
LAMB(f64, double)
