#pragma once
// SHA-256 for artifact identities (vocabularies, corpora, checkpoints, label stores).
#include <cstdint>
#include <string>
#include <string_view>

namespace ntm {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex_digest();  // 64 lowercase hex characters; finalises the hash

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
  bool done_ = false;
};

std::string sha256_hex(std::string_view data);
// Uses the CPU's SHA extensions when `on` and present (the default), else the portable code;
// returns whether they are now used. For tests and benchmarks; not thread-safe.
bool sha256_use_hardware(bool on);
// Streams a file through SHA-256. input_error if unreadable.
std::string sha256_file(const std::string& path);

}  // namespace ntm
