// A thin N-API wrapper around dtaidistance's C core (dd_dtw.c), compiled by benchmarks/dtw/dtaidistance.mjs at
// run time from a dtaidistance source folder (never vendored here). It exposes:
//   timeRuns(a, b, n, m, ndim, window, psi, inner, reps) -> [best thread-CPU ns of one call, distance]
//     (dtaidistance's own entry points: dtw_distance / _ndim / _euclidean / _ndim_euclidean)
//   threadCpuNs() -> number   clock_gettime(CLOCK_THREAD_CPUTIME_ID), to time our JS/WASM on the same clock
// inner: 0 = squared Euclidean (dtaidistance's default; sqrt at the end), 1 = Euclidean per cell.
// window/psi are dtaidistance's settings as they are (window 0 = none; window w allows shifts < w).
#include <node_api.h>
#include <time.h>

#include "dd_dtw.h"

static double thread_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double run_once(double *a, idx_t n, double *b, idx_t m, int ndim, DTWSettings *s) {
  if (ndim == 1) return s->inner_dist == 1 ? dtw_distance_euclidean(a, n, b, m, s) : dtw_distance(a, n, b, m, s);
  return s->inner_dist == 1 ? dtw_distance_ndim_euclidean(a, n, b, m, ndim, s) : dtw_distance_ndim(a, n, b, m, ndim, s);
}

static int read_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, double **a, double **b,
                     double *num) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return 0;
  }
  for (int k = 0; k < 2; k++) {
    napi_typedarray_type type;
    size_t len;
    void *data;
    if (napi_get_typedarray_info(env, argv[k], &type, &len, &data, NULL, NULL) != napi_ok ||
        type != napi_float64_array) {
      napi_throw_type_error(env, NULL, "a and b must be Float64Arrays");
      return 0;
    }
    if (k == 0) *a = (double *)data;
    else *b = (double *)data;
  }
  for (size_t k = 2; k < want; k++) {
    if (napi_get_value_double(env, argv[k], &num[k - 2]) != napi_ok) {
      napi_throw_type_error(env, NULL, "numeric arguments expected");
      return 0;
    }
  }
  return 1;
}

static DTWSettings settings_of(double *num) {
  DTWSettings s = dtw_settings_default();
  s.window = (idx_t)num[3];
  dtw_settings_set_psi((idx_t)num[4], &s);
  s.inner_dist = (int)num[5];
  return s;
}

static napi_value TimeRuns(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  double *a, *b, num[7];
  if (!read_args(env, info, 9, argv, &a, &b, num)) return NULL;
  DTWSettings s = settings_of(num);
  double best = 1e300, dist = 0;
  for (int r = 0; r < (int)num[6]; r++) {
    double t0 = thread_ns();
    dist = run_once(a, (idx_t)num[0], b, (idx_t)num[1], (int)num[2], &s);
    double t = thread_ns() - t0;
    if (t < best) best = t;
  }
  napi_value out, v0, v1;
  napi_create_array_with_length(env, 2, &out);
  napi_create_double(env, best, &v0);
  napi_create_double(env, dist, &v1);
  napi_set_element(env, out, 0, v0);
  napi_set_element(env, out, 1, v1);
  return out;
}

static napi_value ThreadCpuNs(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_double(env, thread_ns(), &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"timeRuns", NULL, TimeRuns, NULL, NULL, NULL, napi_default, NULL},
      {"threadCpuNs", NULL, ThreadCpuNs, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
