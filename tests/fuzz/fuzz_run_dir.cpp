// Fuzzes the run-directory loaders of ntm eval / infer / compare (see fuzz_run_dir_target.h).
// NTM_FUZZ_WRITE_STORE=DIR fuzz_run_dir writes the label store the harness uses to DIR and exits
// (scripts/fuzz.sh trains the seed run on it).
#include <ATen/Parallel.h>

#include <cstdlib>

#include "fuzz_run_dir_target.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  at::set_num_threads(1);
  if (const char* dir = std::getenv("NTM_FUZZ_WRITE_STORE")) {
    ntm::fuzz::write_run_dir_store(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ntm::fuzz::run_run_dir(data, size);
  return 0;
}
