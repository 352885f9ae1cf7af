// Edits a serialized SentencePiece ModelProto without protobuf headers (Debian ships none):
// sets normalizer_spec.add_dummy_prefix = false, as transformers' LlamaTokenizer does for
// legacy=false. ModelProto field 3 is normalizer_spec; inside it field 3 is add_dummy_prefix.
// Appending the varint field (0x18 0x00) wins because protobuf keeps the last scalar value.
#include <cstdint>
#include <string>

#include "ntm/error.h"

namespace ntm::text {
namespace {

bool read_varint(const std::string& s, size_t& i, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (i >= s.size()) return false;
    auto b = static_cast<unsigned char>(s[i++]);
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

void write_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

// Validates the top-level protobuf framing of a ModelProto; returns a message or "".
std::string spm_proto_problem(const std::string& s) {
  if (s.empty()) return "the file is empty";
  size_t i = 0;
  bool has_pieces = false;
  while (i < s.size()) {
    size_t at = i;
    uint64_t key;
    if (!read_varint(s, i, key)) return "bad field key at byte " + std::to_string(at);
    uint64_t field = key >> 3, wire = key & 7;
    if (field == 0) return "field number 0 at byte " + std::to_string(at);
    uint64_t v;
    switch (wire) {
      case 0:
        if (!read_varint(s, i, v)) return "bad varint at byte " + std::to_string(at);
        break;
      case 1:
        i += 8;
        break;
      case 5:
        i += 4;
        break;
      case 2:
        if (!read_varint(s, i, v) || v > s.size() - i) return "bad length at byte " + std::to_string(at);
        i += v;
        if (field == 1) has_pieces = true;
        break;
      default:
        return "unknown wire type " + std::to_string(wire) + " at byte " + std::to_string(at);
    }
    if (i > s.size()) return "truncated field at byte " + std::to_string(at);
  }
  if (!has_pieces) return "no sentence pieces (field 1) found";
  return "";
}

std::string patch_spm_disable_dummy_prefix(const std::string& s, const std::string& path) {
  std::string problem = spm_proto_problem(s);
  if (!problem.empty()) input_error(path, ": not a SentencePiece model (protobuf: ", problem, ")");
  std::string out;
  out.reserve(s.size() + 8);
  bool patched = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint64_t key, v;
    read_varint(s, i, key);
    uint64_t field = key >> 3, wire = key & 7;
    if (wire == 2) {
      read_varint(s, i, v);
      if (field == 3 && !patched) {
        write_varint(out, key);
        write_varint(out, v + 2);
        out.append(s, i, v);
        out += '\x18';
        out += '\x00';
        patched = true;
      } else {
        out.append(s, start, i + v - start);
      }
      i += v;
      continue;
    }
    if (wire == 0) read_varint(s, i, v);
    else i += wire == 1 ? 8 : 4;
    out.append(s, start, i - start);
  }
  if (!patched) {  // no normalizer_spec: add one holding only add_dummy_prefix = false
    out += '\x1A';
    out += '\x02';
    out += '\x18';
    out += '\x00';
  }
  return out;
}

}  // namespace ntm::text
