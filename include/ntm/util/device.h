#pragma once
// Device selection: "auto" | "cpu" | "cuda" | "cuda:N".
#include <c10/core/Device.h>

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

// "libtorch 1.13.1 (CPU only)" / "libtorch 2.11.0 (CUDA 13.0, 1 GPU)".
std::string runtime_description();

}  // namespace ntm
