// Fuzzes the label-store reader. Input: meta.json bytes, the separator "\n--chunk--\n", then the
// bytes of chunk-00000.safetensors. When meta.json parses and lists a chunk, the harness rewrites
// that entry's sha256/bytes to match the chunk so the fuzzer also reaches the chunk checks (a
// mismatch is covered by the unmodified half of the inputs: odd sizes are left alone).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/util/hash.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = ntm::fuzz::scratch_dir() + "/store";
  ::mkdir(dir.c_str(), 0700);
  std::string in(reinterpret_cast<const char*>(data), size);
  const std::string sep = "\n--chunk--\n";
  size_t cut = in.find(sep);
  std::string meta = in.substr(0, cut);
  std::string chunk = cut == std::string::npos ? "" : in.substr(cut + sep.size());
  if (size % 2 == 0) {
    auto j = nlohmann::json::parse(meta, nullptr, false);
    if (j.is_object() && j.contains("chunks") && j["chunks"].is_array() && !j["chunks"].empty() &&
        j["chunks"][0].is_object()) {
      j["chunks"][0]["sha256"] = ntm::sha256_hex(chunk);
      j["chunks"][0]["bytes"] = chunk.size();
      j["chunks"][0]["file"] = "chunk-00000.safetensors";
      meta = j.dump();
    }
  }
  ntm::fuzz::write_bytes(dir + "/meta.json", reinterpret_cast<const uint8_t*>(meta.data()), meta.size());
  ntm::fuzz::write_bytes(dir + "/chunk-00000.safetensors", reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size());
  try {
    ntm::labels::LabelStoreReader r(dir, (size & 4) != 0);
    for (size_t i = 0; i < r.num_chunks() && i < 2; ++i) {
      auto c = r.read_chunk(i);
      ntm::labels::bow_to_dense(c, r.meta().vocab_size());
    }
  } catch (const ntm::Error&) {
  }
  return 0;
}
