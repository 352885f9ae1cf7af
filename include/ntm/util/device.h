#pragma once
// Device selection: "auto" | "cpu" | "cuda" | "cuda:N".
#include <c10/core/Device.h>

#include <exception>
#include <string>

namespace ntm {

// auto: CUDA device 0 when libtorch has CUDA and a GPU is present, else CPU.
// Explicit cuda on a CPU-only libtorch, or an out-of-range index, is a usage error.
c10::Device resolve_device(const std::string& spec);

// Sets intra-op threads (0 = every core unless OMP_NUM_THREADS is set) for libtorch and its BLAS,
// and seeds torch's generators.
void configure_runtime(int threads, uint64_t seed);

// Threads of the BLAS library libtorch calls, when it is OpenBLAS (found at run time); else nothing.
void set_blas_threads(int threads);

// True for a device out-of-memory error: c10::OutOfMemoryError, or any exception whose message
// holds "CUDA out of memory" / "out of memory" from the CUDA caching allocator.
bool is_out_of_memory(const std::exception& e);

// Runs fn(); a device out-of-memory error becomes an input error (exit 2) that says what ran
// out and the fix (`fix`, e.g. "lower --batch-tokens (now 8192)"). Anything else passes through.
// Test seam: NTM_FAULT_OOM=1 throws a c10::OutOfMemoryError inside, on any device.
[[noreturn]] void out_of_memory_error(const std::string& what, const std::string& fix, const std::exception& e);
void inject_out_of_memory_for_tests();

template <typename Fn>
auto translate_out_of_memory(const std::string& what, const std::string& fix, Fn&& fn) -> decltype(fn()) {
  try {
    inject_out_of_memory_for_tests();
    return fn();
  } catch (const std::exception& e) {
    if (!is_out_of_memory(e)) throw;
    out_of_memory_error(what, fix, e);
  }
}

// "libtorch 1.13.1 (CPU only)" / "libtorch 2.11.0 (CUDA 13.0, 1 GPU)".
std::string runtime_description();

}  // namespace ntm
