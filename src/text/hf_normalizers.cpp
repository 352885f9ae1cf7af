// tokenizer.json normalizers: NFC, NFKC, NFD, NFKD, Lowercase, Strip, Prepend, Replace,
// ByteLevel, Sequence.
#include <algorithm>
#include <climits>
#include <memory>

#include "ntm/error.h"
#include "text/hf_components.h"
#include "text/hf_replace.h"
#include "text/regex.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace ntm::text {

std::string json_type(const json& j, const std::string& where) {
  if (!j.is_object()) input_error(where, ": expected an object, found ", j.type_name());
  if (!j.contains("type") || !j["type"].is_string()) input_error(where, ": missing string key 'type'");
  return j["type"].get<std::string>();
}

int32_t json_token_id(const json& j, int64_t id_limit, const std::string& where, const std::string& what) {
  if (!j.is_number_integer()) input_error(where, ": ", what, " must be an integer token id (found ", j.dump(), ")");
  const bool negative = j.is_number_unsigned() ? false : j.get<int64_t>() < 0;
  if (negative) input_error(where, ": ", what, " is negative (", j.dump(), ")");
  const uint64_t id = j.get<uint64_t>();
  if (id >= static_cast<uint64_t>(std::min<int64_t>(id_limit, INT32_MAX)))
    input_error(where, ": ", what, " is ", j.dump(), ", far beyond the ids this tokenizer defines (must be < ",
                std::min<int64_t>(id_limit, INT32_MAX), "); the file is damaged or not a tokenizer of this model");
  return static_cast<int32_t>(id);
}

int json_count(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j[key].is_null()) return 0;
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (1 << 20))
    input_error(where, ": key '", key, "' must be an integer from 0 to 1048576 (found ", v.dump(), ")");
  return v.get<int>();
}

bool json_bool(const json& j, const char* key, bool dflt, const std::string& where) {
  if (!j.contains(key) || j[key].is_null()) return dflt;
  if (!j[key].is_boolean()) input_error(where, ": key '", key, "' must be true or false");
  return j[key].get<bool>();
}

std::string json_string(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string()) input_error(where, ": missing string key '", key, "'");
  return j[key].get<std::string>();
}

namespace {

class FnNormalizer : public Normalizer {
 public:
  using Fn = std::string (*)(std::string_view);
  explicit FnNormalizer(Fn fn) : fn_(fn) {}
  void normalize(std::string& s) const override { s = fn_(s); }

 private:
  Fn fn_;
};

class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& s) const override {
    size_t b = 0, e = s.size();
    if (left_) {
      while (b < e) {
        size_t i = b;
        if (!is_white_space(next_cp(s, i))) break;
        b = i;
      }
    }
    if (right_) {
      while (e > b) {
        size_t start = e - 1;
        while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        size_t i = start;
        if (!is_white_space(next_cp(s, i))) break;
        e = start;
      }
    }
    s = s.substr(b, e - b);
  }

 private:
  bool left_, right_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string p) : prepend_(std::move(p)) {}
  void normalize(std::string& s) const override {
    if (!s.empty()) s.insert(0, prepend_);
  }

 private:
  std::string prepend_;
};

}  // namespace

ReplaceOp::ReplaceOp(const json& j, const std::string& where) {
  if (!j.contains("pattern") || !j["pattern"].is_object())
    input_error(where, ": Replace needs 'pattern': {\"String\": ...} or {\"Regex\": ...}");
  const json& p = j["pattern"];
  content_ = json_string(j, "content", where);
  if (p.contains("String") && p["String"].is_string()) {
    literal_ = p["String"].get<std::string>();
    is_literal_ = true;
  } else if (p.contains("Regex") && p["Regex"].is_string()) {
    regex_ = std::make_unique<Regex>(p["Regex"].get<std::string>(), where + ".pattern.Regex");
  } else {
    input_error(where, ": Replace pattern must be {\"String\": ...} or {\"Regex\": ...}");
  }
}

void ReplaceOp::apply(std::string& s) const {
  if (is_literal_) {
    if (literal_.empty() || s.find(literal_) == std::string::npos) return;
    std::string out;
    out.reserve(s.size() + 16);
    size_t pos = 0;
    for (size_t f; (f = s.find(literal_, pos)) != std::string::npos; pos = f + literal_.size()) {
      out.append(s, pos, f - pos);
      out += content_;
    }
    out.append(s, pos, std::string::npos);
    s.swap(out);
    return;
  }
  std::vector<std::pair<size_t, size_t>> m;
  regex_->find_all(s, m);
  if (m.empty()) return;
  std::string out;
  size_t pos = 0;
  for (auto [b, e] : m) {
    out.append(s, pos, b - pos);
    out += content_;
    pos = e;
  }
  out.append(s, pos, std::string::npos);
  s.swap(out);
}

namespace {

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(const json& j, const std::string& where) : op_(j, where) {}
  void normalize(std::string& s) const override { op_.apply(s); }

 private:
  ReplaceOp op_;
};

class ByteLevelNormalizer : public Normalizer {
 public:
  void normalize(std::string& s) const override {
    std::string out;
    out.reserve(s.size() * 2);
    for (unsigned char b : s) out += byte_to_unicode(b);
    s.swap(out);
  }
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> items) : items_(std::move(items)) {}
  void normalize(std::string& s) const override {
    for (const auto& n : items_) n->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> items_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = json_type(j, where);
  if (type == "NFC") return std::make_unique<FnNormalizer>(&nfc);
  if (type == "NFKC") return std::make_unique<FnNormalizer>(&nfkc);
  if (type == "NFD") return std::make_unique<FnNormalizer>(&nfd);
  if (type == "NFKD") return std::make_unique<FnNormalizer>(&nfkd);
  if (type == "Lowercase") return std::make_unique<FnNormalizer>(&lowercase);
  if (type == "Strip")
    return std::make_unique<StripNormalizer>(json_bool(j, "strip_left", true, where),
                                             json_bool(j, "strip_right", true, where));
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(json_string(j, "prepend", where));
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(j, where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "Sequence") {
    if (!j.contains("normalizers") || !j["normalizers"].is_array())
      input_error(where, ": Sequence needs an array 'normalizers'");
    std::vector<std::unique_ptr<Normalizer>> items;
    for (size_t i = 0; i < j["normalizers"].size(); ++i) {
      auto n = make_normalizer(j["normalizers"][i], where + ".normalizers[" + std::to_string(i) + "]");
      if (n) items.push_back(std::move(n));
    }
    return std::make_unique<SequenceNormalizer>(std::move(items));
  }
  input_error(where, ": normalizer type '", type,
              "' is not implemented by ntm (supported: NFC, NFKC, NFD, NFKD, Lowercase, Strip, Prepend, Replace, "
              "ByteLevel, Sequence)");
}

}  // namespace ntm::text
