// diffopt backend-cuda: the primitive tensor operations, one kernel family per job.
//
// Every tensor is one contiguous row-major buffer. Element types are named by suffix:
// f32 float, f64 double, i32 int, i64 long long, b8 unsigned char (BOOL, 0 or 1).
// Kernels loop grid-stride over their elements, so any grid the host picks is correct.
// Compiled to PTX by build-ptx.sh; the Java side launches them by these extern "C" names.

#include <stdint.h>

#define MAX_RANK 8

// Index arithmetic for up to three operands broadcast to one output shape: for output element i,
// operand k reads element sum_d idx_d(i) * stride[k][d] (stride 0 along broadcast axes).
// mode[k]: 0 = same index as the output, 1 = a single element, 2 = strided as above.
struct Layout {
  long long rank;
  long long dims[MAX_RANK];
  long long stride[3][MAX_RANK];
  long long mode[3];
};

__device__ __forceinline__ long long operand_offset(const Layout& l, int k, long long i) {
  long long mode = l.mode[k];
  if (mode == 0) return i;
  if (mode == 1) return 0;
  long long off = 0;
  for (int d = (int) l.rank - 1; d >= 0; d--) {
    long long extent = l.dims[d];
    long long idx = i % extent;
    i /= extent;
    off += idx * l.stride[k][d];
  }
  return off;
}

#define GRID_STRIDE(i, n) \
  for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long) blockDim.x * gridDim.x)

// ------------------------------------------------------------------------------- binary ops
// op: 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 maximum, 6 minimum

template <typename T> __device__ __forceinline__ T binary_float(int op, T a, T b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return pow(a, b);
    case 5: return (a != a || b != b) ? a + b : (a > b ? a : b);
    default: return (a != a || b != b) ? a + b : (a < b ? a : b);
  }
}

template <typename T> __device__ __forceinline__ T int_pow(T a, T b) {
  if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
  T r = 1;
  while (b > 0) {
    if (b & 1) r *= a;
    a *= a;
    b >>= 1;
  }
  return r;
}

// integer division rounds toward zero (as Java and C do); division by zero gives 0
template <typename T> __device__ __forceinline__ T binary_int(int op, T a, T b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return b == 0 ? 0 : a / b;
    case 4: return int_pow(a, b);
    case 5: return a > b ? a : b;
    default: return a < b ? a : b;
  }
}

#define BINARY(SUFFIX, T, FN)                                                              \
  extern "C" __global__ void binary_##SUFFIX(int op, long long n, const T* a, const T* b,  \
                                             T* out, Layout l) {                           \
    GRID_STRIDE(i, n) { out[i] = FN(op, a[operand_offset(l, 0, i)], b[operand_offset(l, 1, i)]); } \
  }
BINARY(f32, float, binary_float<float>)
BINARY(f64, double, binary_float<double>)
BINARY(i32, int, binary_int<int>)
BINARY(i64, long long, binary_int<long long>)

// ------------------------------------------------------------------------------- comparisons
// op: 0 eq, 1 lt, 2 le; the result is BOOL

#define COMPARE(SUFFIX, T)                                                                  \
  extern "C" __global__ void compare_##SUFFIX(int op, long long n, const T* a, const T* b,  \
                                              unsigned char* out, Layout l) {               \
    GRID_STRIDE(i, n) {                                                                     \
      T x = a[operand_offset(l, 0, i)];                                                     \
      T y = b[operand_offset(l, 1, i)];                                                     \
      out[i] = op == 0 ? (x == y) : (op == 1 ? (x < y) : (x <= y));                         \
    }                                                                                       \
  }
COMPARE(f32, float)
COMPARE(f64, double)
COMPARE(i32, int)
COMPARE(i64, long long)
COMPARE(b8, unsigned char)

// ------------------------------------------------------------------------------- where

#define WHERE(SUFFIX, T)                                                                     \
  extern "C" __global__ void where_##SUFFIX(long long n, const unsigned char* c, const T* a, \
                                            const T* b, T* out, Layout l) {                  \
    GRID_STRIDE(i, n) {                                                                      \
      out[i] = c[operand_offset(l, 0, i)] ? a[operand_offset(l, 1, i)]                       \
                                          : b[operand_offset(l, 2, i)];                      \
    }                                                                                        \
  }
WHERE(f32, float)
WHERE(f64, double)
WHERE(i32, int)
WHERE(i64, long long)
WHERE(b8, unsigned char)

// ------------------------------------------------------------------------------- unary ops
// op: 0 neg, 1 abs, 2 sqrt, 3 exp, 4 log, 5 softplus, 6 tanh, 7 sigmoid, 8 relu, 9 sign,
//     10 sin, 11 cos

template <typename T> __device__ __forceinline__ T unary_float(int op, T x) {
  switch (op) {
    case 0: return -x;
    case 1: return fabs(x);
    case 2: return sqrt(x);
    case 3: return exp(x);
    case 4: return log(x);
    case 5: return (x > (T) 0 ? x : (T) 0) + log1p(exp(-fabs(x)));
    case 6: return tanh(x);
    case 7: return (T) 1 / ((T) 1 + exp(-x));
    case 8: return x > (T) 0 ? x : (x != x ? x : (T) 0);
    case 9: return x > (T) 0 ? (T) 1 : (x < (T) 0 ? (T) -1 : x);
    case 10: return sin(x);
    default: return cos(x);
  }
}

// integer types: neg, abs, relu and sign only (the Java side rejects the others)
template <typename T> __device__ __forceinline__ T unary_int(int op, T x) {
  switch (op) {
    case 0: return -x;
    case 1: return x < 0 ? -x : x;
    case 8: return x > 0 ? x : 0;
    default: return x > 0 ? 1 : (x < 0 ? -1 : 0);
  }
}

#define UNARY(SUFFIX, T, FN)                                                                 \
  extern "C" __global__ void unary_##SUFFIX(int op, long long n, const T* x, T* out) {      \
    GRID_STRIDE(i, n) { out[i] = FN(op, x[i]); }                                             \
  }
UNARY(f32, float, unary_float<float>)
UNARY(f64, double, unary_float<double>)
UNARY(i32, int, unary_int<int>)
UNARY(i64, long long, unary_int<long long>)

// ------------------------------------------------------------------------------- fill and cast

#define FILL(SUFFIX, T)                                                                      \
  extern "C" __global__ void fill_##SUFFIX(long long n, double value, T* out) {              \
    T v = (T) value;                                                                         \
    GRID_STRIDE(i, n) { out[i] = v; }                                                        \
  }
FILL(f32, float)
FILL(f64, double)
FILL(i32, int)
FILL(i64, long long)

extern "C" __global__ void fill_b8(long long n, double value, unsigned char* out) {
  unsigned char v = value != 0.0;
  GRID_STRIDE(i, n) { out[i] = v; }
}

// float to integer truncates toward zero like Java's (int)/(long) casts, NaN gives 0 and the
// ends saturate; anything to BOOL is "not zero"
template <typename S, typename D> __device__ __forceinline__ D convert(S x) { return (D) x; }
template <> __device__ __forceinline__ int convert<float, int>(float x) { return x != x ? 0 : __float2int_rz(x); }
template <> __device__ __forceinline__ int convert<double, int>(double x) { return x != x ? 0 : __double2int_rz(x); }
template <> __device__ __forceinline__ long long convert<float, long long>(float x) { return x != x ? 0 : __float2ll_rz(x); }
template <> __device__ __forceinline__ long long convert<double, long long>(double x) { return x != x ? 0 : __double2ll_rz(x); }
template <> __device__ __forceinline__ unsigned char convert<float, unsigned char>(float x) { return x != 0.0f; }
template <> __device__ __forceinline__ unsigned char convert<double, unsigned char>(double x) { return x != 0.0; }
template <> __device__ __forceinline__ unsigned char convert<int, unsigned char>(int x) { return x != 0; }
template <> __device__ __forceinline__ unsigned char convert<long long, unsigned char>(long long x) { return x != 0; }
template <> __device__ __forceinline__ unsigned char convert<unsigned char, unsigned char>(unsigned char x) { return x != 0; }

#define CAST(SS, S, DS, D)                                                                   \
  extern "C" __global__ void cast_##SS##_##DS(long long n, const S* x, D* out) {             \
    GRID_STRIDE(i, n) { out[i] = convert<S, D>(x[i]); }                                      \
  }
#define CAST_FROM(SS, S)          \
  CAST(SS, S, f32, float)         \
  CAST(SS, S, f64, double)        \
  CAST(SS, S, i32, int)           \
  CAST(SS, S, i64, long long)     \
  CAST(SS, S, b8, unsigned char)
CAST_FROM(f32, float)
CAST_FROM(f64, double)
CAST_FROM(i32, int)
CAST_FROM(i64, long long)
CAST_FROM(b8, unsigned char)

// ------------------------------------------------------------------------------- gather
// out[i] = in[offset(i)] with operand 0 of the layout: transpose (permuted strides) and
// broadcastTo (zero strides) in one kernel, by element width.

#define GATHER(SUFFIX, T)                                                                    \
  extern "C" __global__ void gather_##SUFFIX(long long n, const T* in, T* out, Layout l) {   \
    GRID_STRIDE(i, n) { out[i] = in[operand_offset(l, 0, i)]; }                              \
  }
GATHER(w1, unsigned char)
GATHER(w4, unsigned int)
GATHER(w8, unsigned long long)

// ------------------------------------------------------------------------------- reductions
// One block per output element. The reduced elements of output o are at
// base(o) + sum_d idx_d(j) * stride[1][d] over j < m, where base(o) uses the kept axes
// (dims/stride[0] of `kept`) and the reduced axes are described by `reduced` (its dims and
// stride[0]). op: 0 sum, 1 max, 2 min. Floating sums accumulate in double.

template <typename A> __device__ __forceinline__ A combine(int op, A a, A b) {
  if (op == 0) return a + b;
  if (a != a) return a;
  if (b != b) return b;
  return op == 1 ? (a > b ? a : b) : (a < b ? a : b);
}

#define REDUCE_THREADS 256

#define REDUCE(SUFFIX, T, A)                                                                 \
  extern "C" __global__ void reduce_##SUFFIX(int op, long long outputs, long long m,         \
                                             const T* in, T* out, Layout kept,               \
                                             Layout reduced) {                               \
    __shared__ A partial[REDUCE_THREADS];                                                    \
    for (long long o = blockIdx.x; o < outputs; o += gridDim.x) {                            \
      long long base = operand_offset(kept, 0, o);                                           \
      bool any = false;                                                                      \
      A acc = 0;                                                                             \
      for (long long j = threadIdx.x; j < m; j += blockDim.x) {                              \
        A x = (A) in[base + operand_offset(reduced, 0, j)];                                  \
        acc = any ? combine<A>(op, acc, x) : x;                                              \
        any = true;                                                                          \
      }                                                                                      \
      if (!any && op != 0 && m > 0) acc = (A) in[base];                                      \
      partial[threadIdx.x] = acc;                                                            \
      __syncthreads();                                                                       \
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {                                         \
        if (threadIdx.x < s) {                                                               \
          partial[threadIdx.x] = combine<A>(op, partial[threadIdx.x], partial[threadIdx.x + s]); \
        }                                                                                    \
        __syncthreads();                                                                     \
      }                                                                                      \
      if (threadIdx.x == 0) out[o] = (T) partial[0];                                         \
      __syncthreads();                                                                       \
    }                                                                                        \
  }
REDUCE(f32, float, double)
REDUCE(f64, double, double)
REDUCE(i32, int, long long)
REDUCE(i64, long long, long long)

// ------------------------------------------------------------------------------- matmul
// C (m x n) = A (m x k) @ B (k x n), row-major, 16 x 16 tiles in shared memory.

#define TILE 16

#define MATMUL(SUFFIX, T)                                                                    \
  extern "C" __global__ void matmul_##SUFFIX(int m, int n, int k, const T* a, const T* b,    \
                                             T* c) {                                         \
    __shared__ T as[TILE][TILE];                                                             \
    __shared__ T bs[TILE][TILE];                                                             \
    int row = blockIdx.y * TILE + threadIdx.y;                                               \
    int col = blockIdx.x * TILE + threadIdx.x;                                               \
    T acc = 0;                                                                               \
    for (int t = 0; t < k; t += TILE) {                                                      \
      int ac = t + threadIdx.x;                                                              \
      int br = t + threadIdx.y;                                                              \
      as[threadIdx.y][threadIdx.x] = (row < m && ac < k) ? a[(long long) row * k + ac] : (T) 0; \
      bs[threadIdx.y][threadIdx.x] = (br < k && col < n) ? b[(long long) br * n + col] : (T) 0; \
      __syncthreads();                                                                       \
      for (int e = 0; e < TILE; e++) acc += as[threadIdx.y][e] * bs[e][threadIdx.x];         \
      __syncthreads();                                                                       \
    }                                                                                        \
    if (row < m && col < n) c[(long long) row * n + col] = acc;                              \
  }
MATMUL(f32, float)
MATMUL(f64, double)
MATMUL(i32, int)
MATMUL(i64, long long)

// ------------------------------------------------------------------------------- random
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
// counter (i, 0, 0, 0) with key (seed_lo, seed_hi) gives four 32-bit words for element group i.

struct Words { unsigned int x[4]; };

__device__ __forceinline__ Words philox(unsigned long long counter, unsigned int k0,
                                        unsigned int k1) {
  unsigned int c0 = (unsigned int) counter, c1 = (unsigned int) (counter >> 32), c2 = 0, c3 = 0;
  for (int r = 0; r < 10; r++) {
    unsigned int lo0 = 0xD2511F53u * c0, hi0 = __umulhi(0xD2511F53u, c0);
    unsigned int lo1 = 0xCD9E8D57u * c2, hi1 = __umulhi(0xCD9E8D57u, c2);
    unsigned int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  Words w = {{c0, c1, c2, c3}};
  return w;
}

// 53 random bits as a double in [0, 1)
__device__ __forceinline__ double unit53(unsigned int hi, unsigned int lo) {
  return (double) (((unsigned long long) (hi >> 5) << 26) | (lo >> 6)) * (1.0 / 9007199254740992.0);
}

// element pair (2g, 2g+1): two normals by Box-Muller from the four words of group g
#define RANDOM_NORMAL(SUFFIX, T)                                                             \
  extern "C" __global__ void random_normal_##SUFFIX(long long n, unsigned int k0,            \
                                                    unsigned int k1, T* out) {               \
    long long groups = (n + 1) / 2;                                                          \
    GRID_STRIDE(g, groups) {                                                                 \
      Words w = philox((unsigned long long) g, k0, k1);                                      \
      double u1 = 1.0 - unit53(w.x[0], w.x[1]);                                              \
      double u2 = unit53(w.x[2], w.x[3]);                                                    \
      double r = sqrt(-2.0 * log(u1));                                                       \
      double s, c;                                                                           \
      sincospi(2.0 * u2, &s, &c);                                                            \
      out[2 * g] = (T) (r * c);                                                              \
      if (2 * g + 1 < n) out[2 * g + 1] = (T) (r * s);                                       \
    }                                                                                        \
  }
RANDOM_NORMAL(f32, float)
RANDOM_NORMAL(f64, double)

// element pair (2g, 2g+1): uniforms in [low, high); a float32 draw that rounds up to high is
// replaced by the largest float32 below high, so the interval stays half-open
#define RANDOM_UNIFORM(SUFFIX, T)                                                            \
  extern "C" __global__ void random_uniform_##SUFFIX(long long n, unsigned int k0,           \
                                                     unsigned int k1, double low,            \
                                                     double high, T* out) {                  \
    long long groups = (n + 1) / 2;                                                          \
    T top = (T) high;                                                                        \
    GRID_STRIDE(g, groups) {                                                                 \
      Words w = philox((unsigned long long) g, k0, k1);                                      \
      for (int h = 0; h < 2 && 2 * g + h < n; h++) {                                         \
        double u = unit53(w.x[2 * h], w.x[2 * h + 1]);                                       \
        T v = (T) (low + u * (high - low));                                                  \
        if (v >= top) v = nextafter(top, (T) low);                                           \
        out[2 * g + h] = v;                                                                  \
      }                                                                                      \
    }                                                                                        \
  }
RANDOM_UNIFORM(f32, float)
RANDOM_UNIFORM(f64, double)

// ------------------------------------------------------------------------------- flattening
// A tree's leaves <-> one contiguous buffer, in words of `width` bytes (the largest of 8, 4, 1
// dividing every leaf's byte size). starts[l] is leaf l's first word in the flat buffer
// (starts[leaves] = total); ptrs[l] its device address. One launch moves every leaf.

__device__ __forceinline__ int leaf_of(const long long* starts, int leaves, long long i) {
  int lo = 0, hi = leaves - 1;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (starts[mid] <= i) lo = mid; else hi = mid - 1;
  }
  return lo;
}

#define FLATTEN(SUFFIX, T)                                                                   \
  extern "C" __global__ void ravel_##SUFFIX(int leaves, const unsigned long long* ptrs,      \
                                            const long long* starts, T* flat) {              \
    GRID_STRIDE(i, starts[leaves]) {                                                         \
      int l = leaf_of(starts, leaves, i);                                                    \
      flat[i] = ((const T*) ptrs[l])[i - starts[l]];                                         \
    }                                                                                        \
  }                                                                                          \
  extern "C" __global__ void unravel_##SUFFIX(int leaves, const unsigned long long* ptrs,    \
                                              const long long* starts, const T* flat) {      \
    GRID_STRIDE(i, starts[leaves]) {                                                         \
      int l = leaf_of(starts, leaves, i);                                                    \
      ((T*) ptrs[l])[i - starts[l]] = flat[i];                                               \
    }                                                                                        \
  }
FLATTEN(w1, unsigned char)
FLATTEN(w4, unsigned int)
FLATTEN(w8, unsigned long long)
