// NFC/NFKC (UAX #15: full decomposition, canonical ordering, canonical composition) and
// lower-casing over generated tables.
#include "text/unicode.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "text/utf8.h"

namespace ntm::text {
namespace {

#include "text/unicode_tables.inc"

constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;

template <size_t N, typename Row>
const Row* find_row(const Row (&table)[N], uint32_t cp) {
  const Row* end = table + N;
  const Row* it = std::lower_bound(table, end, cp, [](const Row& r, uint32_t c) { return r[0] < c; });
  return it != end && (*it)[0] == cp ? it : nullptr;
}

uint32_t ccc(uint32_t cp) {
  if (cp < 0x300) return 0;
  const auto* r = find_row(kCcc, cp);
  return r ? (*r)[1] : 0;
}

const std::unordered_map<uint64_t, uint32_t>& compose_map() {
  static const std::unordered_map<uint64_t, uint32_t> m = [] {
    std::unordered_map<uint64_t, uint32_t> map;
    for (const auto& r : kCompose) map[(uint64_t(r[0]) << 32) | r[1]] = r[2];
    return map;
  }();
  return m;
}

void decompose_cp(uint32_t cp, bool compat, std::vector<uint32_t>& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    uint32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount) out.push_back(kTBase + s % kTCount);
    return;
  }
  if (cp < 0xA0) {
    out.push_back(cp);
    return;
  }
  const auto* r = find_row(kDecomp, cp);
  if (!r) {
    out.push_back(cp);
    return;
  }
  if ((*r)[3] == 1 && !compat) {
    out.push_back(cp);
    return;
  }
  if (compat && (*r)[3] == 0 && r + 1 < kDecomp + std::size(kDecomp) && r[1][0] == cp) ++r;  // NFKD row
  for (uint32_t k = 0; k < (*r)[2]; ++k) out.push_back(kDecompData[(*r)[1] + k]);
}

std::vector<uint32_t> decompose(std::string_view s, bool compat) {
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  for (size_t i = 0; i < s.size();) decompose_cp(next_cp(s, i), compat, cps);
  // Canonical ordering: stable sort of every run of non-starters by combining class.
  for (size_t i = 0; i < cps.size();) {
    if (ccc(cps[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && ccc(cps[j]) != 0) ++j;
    if (j - i > 1)
      std::stable_sort(cps.begin() + i, cps.begin() + j, [](uint32_t a, uint32_t b) { return ccc(a) < ccc(b); });
    i = j;
  }
  return cps;
}

uint32_t compose_pair(uint32_t a, uint32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount)
    return a + (b - kTBase);
  const auto& m = compose_map();
  auto it = m.find((uint64_t(a) << 32) | b);
  return it == m.end() ? 0 : it->second;
}

std::string compose(std::vector<uint32_t> cps) {
  std::vector<uint32_t> out;
  out.reserve(cps.size());
  long starter = -1;
  for (uint32_t c : cps) {
    uint32_t cc = ccc(c);
    if (starter >= 0) {
      bool adjacent = out.size() - 1 == static_cast<size_t>(starter);
      uint32_t last_cc = ccc(out.back());
      if (adjacent || (last_cc != 0 && last_cc < cc)) {
        uint32_t comp = compose_pair(out[starter], c);
        if (comp) {
          out[starter] = comp;
          continue;
        }
      }
    }
    if (cc == 0) starter = static_cast<long>(out.size());
    out.push_back(c);
  }
  std::string s;
  s.reserve(out.size());
  for (uint32_t c : out) append_utf8(s, c);
  return s;
}

// True when no code point of s can change under NFC/NFKC (all below U+00A0 for NFKC, below
// U+0300 for NFC: nothing there has a different composed form, combines or composes).
bool quick_stable(std::string_view s, bool compat) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0xC2) continue;
    if (!compat) {
      if (b >= 0xCC) return false;  // U+0300 is CC 80
    } else if (b >= 0xC3 || (i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0xA0)) {
      return false;  // U+00A0 is C2 A0
    }
  }
  return true;
}

bool is_ascii(std::string_view s) {
  for (unsigned char b : s)
    if (b >= 0x80) return false;
  return true;
}

std::string normalize(std::string_view s, bool compat, bool composed) {
  if (composed ? quick_stable(s, compat) : is_ascii(s)) return std::string(s);
  std::vector<uint32_t> cps = decompose(s, compat);
  if (composed) return compose(std::move(cps));
  std::string out;
  for (uint32_t c : cps) append_utf8(out, c);
  return out;
}

}  // namespace

std::string nfc(std::string_view s) { return normalize(s, false, true); }
std::string nfkc(std::string_view s) { return normalize(s, true, true); }
std::string nfd(std::string_view s) { return normalize(s, false, false); }
std::string nfkd(std::string_view s) { return normalize(s, true, false); }

std::string lowercase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++i;
      continue;
    }
    size_t start = i;
    uint32_t cp = next_cp(s, i);
    const auto* r = find_row(kLower, cp);
    if (!r) {
      out.append(s.data() + start, i - start);
      continue;
    }
    for (uint32_t k = 0; k < (*r)[2]; ++k) append_utf8(out, kLowerData[(*r)[1] + k]);
  }
  return out;
}

bool is_white_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

const char* unicode_version() { return NTM_UNICODE_VERSION; }

}  // namespace ntm::text
