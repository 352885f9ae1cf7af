// Fuzzes vocab.json loading (Vocab::load): the ntm format and plain JSON arrays.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "ntm/data/vocab.h"
#include "ntm/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ntm::fuzz::scratch_dir() + "/vocab.json";
  ntm::fuzz::write_bytes(path, data, size);
  try {
    ntm::Vocab v = ntm::Vocab::load(path);
    for (size_t i = 0; i < v.size(); ++i)
      if (v.find(v.word(i)) != static_cast<long>(i)) __builtin_trap();
  } catch (const ntm::Error&) {
  }
  return 0;
}
