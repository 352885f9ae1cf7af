#pragma once
// Small open-addressing hash maps for the tokenizer's hot paths (internal header): token string
// -> id over strings owned elsewhere, and (id, id) pair -> payload.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ntm::text {

inline uint64_t hash_bytes(const char* p, size_t n) {
  // FNV-1a, 64 bit, with a final mix; token strings are short.
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return h;
}

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// string -> int32 id, where the strings live in `strings` (index = slot payload).
class StringIdMap {
 public:
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Slot{0, -1});
    keys_.clear();
    keys_.reserve(n);
  }
  // Inserts or overwrites key -> id.
  void set(std::string_view key, int32_t id) {
    if ((keys_.size() + 1) * 2 > slots_.size()) grow();
    uint64_t h = hash_bytes(key.data(), key.size());
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key_index < 0) {
        s.hash = h;
        s.key_index = static_cast<int32_t>(keys_.size());
        keys_.push_back({std::string(key), id});
        return;
      }
      if (s.hash == h && keys_[s.key_index].first == key) {
        keys_[s.key_index].second = id;
        return;
      }
    }
  }
  // The id of key, or -1.
  int32_t get(std::string_view key) const {
    if (slots_.empty()) return -1;
    uint64_t h = hash_bytes(key.data(), key.size());
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.key_index < 0) return -1;
      if (s.hash == h) {
        const std::string& k = keys_[s.key_index].first;
        if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0)
          return keys_[s.key_index].second;
      }
    }
  }
  size_t size() const { return keys_.size(); }
  const std::vector<std::pair<std::string, int32_t>>& entries() const { return keys_; }

 private:
  struct Slot {
    uint64_t hash;
    int32_t key_index;
  };
  void grow() {
    size_t cap = slots_.empty() ? 16 : slots_.size() * 2;
    slots_.assign(cap, Slot{0, -1});
    size_t mask = cap - 1;
    for (size_t k = 0; k < keys_.size(); ++k) {
      uint64_t h = hash_bytes(keys_[k].first.data(), keys_[k].first.size());
      size_t i = h & mask;
      while (slots_[i].key_index >= 0) i = (i + 1) & mask;
      slots_[i] = Slot{h, static_cast<int32_t>(k)};
    }
  }
  std::vector<Slot> slots_;
  std::vector<std::pair<std::string, int32_t>> keys_;
};

// (uint32, uint32) -> (rank, new id).
class PairMap {
 public:
  struct Value {
    int32_t rank;
    int32_t new_id;
  };
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Slot{kEmpty, {0, 0}});
    size_ = 0;
  }
  void set(uint32_t a, uint32_t b, Value v) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    uint64_t key = (uint64_t(a) << 32) | b;
    size_t mask = slots_.size() - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == kEmpty) {
        slots_[i] = Slot{key, v};
        ++size_;
        return;
      }
      if (slots_[i].key == key) {
        slots_[i].value = v;
        return;
      }
    }
  }
  const Value* get(uint32_t a, uint32_t b) const {
    if (slots_.empty()) return nullptr;
    uint64_t key = (uint64_t(a) << 32) | b;
    size_t mask = slots_.size() - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~0ULL;
  struct Slot {
    uint64_t key;
    Value value;
  };
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    reserve(old.empty() ? 8 : old.size());
    for (const auto& s : old)
      if (s.key != kEmpty) set(static_cast<uint32_t>(s.key >> 32), static_cast<uint32_t>(s.key), s.value);
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace ntm::text
