#include "ntm/util/device.h"

#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <torch/version.h>

#include "ntm/error.h"
#include "ntm_build_info.h"

namespace ntm {

c10::Device resolve_device(const std::string& spec) {
  const bool has_cuda = torch::cuda::is_available();
  if (spec == "auto") return has_cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  if (spec == "cpu") return c10::Device(c10::kCPU);
  if (spec == "cuda" || spec.rfind("cuda:", 0) == 0) {
    if (!has_cuda)
      usage_error("--device ", spec, ": this ntm links a libtorch without a usable CUDA device (",
                  runtime_description(), "); use --device cpu, or on a GPU machine build with scripts/setup-torch.sh");
    int index = 0;
    if (spec.size() > 5) {
      try {
        size_t used = 0;
        index = std::stoi(spec.substr(5), &used);
        if (used != spec.size() - 5) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        usage_error("--device ", spec, ": expected cuda:N with N a GPU index");
      }
    }
    int count = static_cast<int>(torch::cuda::device_count());
    if (index < 0 || index >= count)
      usage_error("--device ", spec, ": GPU index out of range (", count, " GPU(s) visible)");
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  usage_error("--device: unknown device '", spec, "' (use auto, cpu, cuda or cuda:N)");
}

void set_blas_threads(int threads) {
  // libtorch's set_num_threads sizes OpenMP (and MKL) only; OpenBLAS keeps one thread per core
  // unless told otherwise, so --threads 1 would still run GEMMs on every core. Looked up at run
  // time: the BLAS behind libtorch may be another one (MKL in the CUDA wheels), then nothing to do.
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(threads);
}

void configure_runtime(int threads, uint64_t seed) {
  if (threads < 0) usage_error("--threads must be >= 0 (got ", threads, ")");
  // More threads than 4 per core only adds scheduling overhead; a typo such as 100000 would make
  // OpenMP and OpenBLAS try to start that many threads.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int max_threads = std::max(64, 4 * cores);
  if (threads > max_threads)
    usage_error("--threads ", threads, ": at most ", max_threads, " (this machine has ", cores,
                " cores; 0 = all cores)");
  // 0 = every core. Set it explicitly: some libtorch builds start with one intra-op thread, and
  // OMP_NUM_THREADS (when the user set it) is left in charge.
  if (threads == 0 && std::getenv("OMP_NUM_THREADS") == nullptr)
    threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads > 0) {
    torch::set_num_threads(threads);
    set_blas_threads(threads);
  }
  torch::manual_seed(seed);
}

bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e) != nullptr) return true;
  const std::string m = e.what();
  return m.find("CUDA out of memory") != std::string::npos || m.find("CUDA error: out of memory") != std::string::npos;
}

void out_of_memory_error(const std::string& what, const std::string& fix, const std::exception& e) {
  std::string first = e.what();
  first = first.substr(0, first.find('\n'));  // libtorch appends a C++ stack on later lines
  input_error(what, " ran out of device memory; ", fix, " (", first, ")");
}

void inject_out_of_memory_for_tests() {
  const char* env = std::getenv("NTM_FAULT_OOM");
  if (env != nullptr && std::string(env) == "1")
    TORCH_CHECK_WITH(OutOfMemoryError, false, "CUDA out of memory. Tried to allocate 2.00 GiB (injected by NTM_FAULT_OOM)");
}

std::string runtime_description() {
  std::string s = std::string("libtorch ") + TORCH_VERSION;
  if (!NTM_TORCH_CUDA) return s + " (CPU only: CUDA not compiled in)";
  s += " (CUDA compiled in; ";
  if (torch::cuda::is_available()) return s + std::to_string(torch::cuda::device_count()) + " GPU(s) usable)";
  return s + "no usable GPU)";
}

}  // namespace ntm
