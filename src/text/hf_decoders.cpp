// tokenizer.json decoders (ByteLevel, ByteFallback, Metaspace, Fuse, Strip, Replace, Sequence)
// and post-processors (TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing,
// Sequence).
#include <climits>
#include <memory>

#include "ntm/error.h"
#include "text/hf_components.h"
#include "text/hf_replace.h"
#include "text/utf8.h"

namespace ntm::text {


namespace {

class ByteLevelDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const auto& t : tokens) {
      size_t mark = bytes.size();
      bool ok = true;
      for (size_t i = 0; i < t.size();) {
        int b = byte_from_unicode(next_cp(t, i));
        if (b < 0) {
          ok = false;
          break;
        }
        bytes.push_back(static_cast<char>(b));
      }
      if (!ok) {
        bytes.resize(mark);
        bytes += t;
      }
    }
    tokens.assign(1, utf8_lossy(bytes));
  }
};

class ByteFallbackDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (is_valid_utf8(pending)) out.push_back(pending);
      else
        for (size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
      pending.clear();
    };
    for (auto& t : tokens) {
      int byte = -1;
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
        char* end = nullptr;
        std::string hex = t.substr(3, 2);
        long v = std::strtol(hex.c_str(), &end, 16);
        if (end == hex.c_str() + 2) byte = static_cast<int>(v);
      }
      if (byte >= 0) {
        pending.push_back(static_cast<char>(byte));
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    tokens.swap(out);
  }
};

class FuseDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    tokens.assign(1, all);
  }
};

class StripDecoder : public Decoder {
 public:
  StripDecoder(const json& j, const std::string& where) {
    content_ = json_string(j, "content", where);
    size_t i = 0;
    if (content_.empty()) input_error(where, ": Strip 'content' must be one character");
    content_cp_ = next_cp(content_, i);
    start_ = json_count(j, "start", where);
    stop_ = json_count(j, "stop", where);
  }
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) {
      std::vector<uint32_t> cps;
      for (size_t i = 0; i < t.size();) cps.push_back(next_cp(t, i));
      size_t start_cut = 0, stop_cut = 0;
      for (size_t i = 0; i < cps.size() && i < start_ && cps[i] == content_cp_; ++i) ++start_cut;
      for (size_t i = 0; i < cps.size() && i < stop_ && cps[cps.size() - 1 - i] == content_cp_; ++i) ++stop_cut;
      // tokenizers takes `byte length - cuts` characters (a quirk kept for parity).
      size_t take = t.size() - start_cut - stop_cut;
      std::string out;
      for (size_t k = start_cut; k < cps.size() && k - start_cut < take; ++k) append_utf8(out, cps[k]);
      t.swap(out);
    }
  }

 private:
  std::string content_;
  uint32_t content_cp_ = 0;
  size_t start_ = 0, stop_ = 0;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(const json& j, const std::string& where) : op_(std::make_unique<ReplaceOp>(j, where)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) op_->apply(t);
  }

 private:
  std::unique_ptr<ReplaceOp> op_;
};

class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(const json& j, const std::string& where) {
    std::string r = json_string(j, "replacement", where);
    size_t i = 0;
    if (r.empty()) input_error(where, ": Metaspace 'replacement' must be one character");
    rep_ = next_cp(r, i);
    if (j.contains("prepend_scheme") && j["prepend_scheme"].is_string())
      prepend_ = j["prepend_scheme"].get<std::string>() != "never";
    else
      prepend_ = json_bool(j, "add_prefix_space", true, where);
  }
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t k = 0; k < tokens.size(); ++k) {
      std::string out;
      const std::string& t = tokens[k];
      for (size_t i = 0; i < t.size();) {
        size_t s = i;
        uint32_t cp = next_cp(t, i);
        if (cp == rep_) {
          if (!(k == 0 && prepend_)) out += ' ';
        } else {
          out.append(t, s, i - s);
        }
      }
      tokens[k].swap(out);
    }
  }

 private:
  uint32_t rep_ = 0;
  bool prepend_ = true;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> items) : items_(std::move(items)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& d : items_) d->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> items_;
};

// ---- post-processors ----------------------------------------------------------------------

class NoopPost : public PostProcessor {
 public:
  void process(std::vector<int32_t>&, bool) const override {}
};

class TemplatePost : public PostProcessor {
 public:
  TemplatePost(const json& j, const std::string& where) {
    if (!j.contains("single") || !j["single"].is_array()) input_error(where, ": TemplateProcessing needs 'single'");
    const json& specials = j.contains("special_tokens") ? j["special_tokens"] : json::object();
    for (size_t i = 0; i < j["single"].size(); ++i) {
      const json& item = j["single"][i];
      std::string w = where + ".single[" + std::to_string(i) + "]";
      if (item.contains("Sequence")) {
        items_.push_back({true, {}});
      } else if (item.contains("SpecialToken")) {
        std::string id = json_string(item["SpecialToken"], "id", w + ".SpecialToken");
        if (!specials.contains(id) || !specials[id].contains("ids") || !specials[id]["ids"].is_array())
          input_error(w, ": special token '", id, "' is missing from special_tokens (or has no 'ids')");
        std::vector<int32_t> ids;
        for (const json& x : specials[id]["ids"])
          ids.push_back(json_token_id(x, INT32_MAX, where + ".special_tokens['" + id + "']", "an entry of 'ids'"));
        items_.push_back({false, std::move(ids)});
      } else {
        input_error(w, ": expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
      }
    }
  }
  void process(std::vector<int32_t>& ids, bool add) const override {
    if (!add) return;
    std::vector<int32_t> out;
    out.reserve(ids.size() + 4);
    for (const auto& it : items_) {
      if (it.sequence) out.insert(out.end(), ids.begin(), ids.end());
      else out.insert(out.end(), it.ids.begin(), it.ids.end());
    }
    ids.swap(out);
  }

 private:
  struct Item {
    bool sequence;
    std::vector<int32_t> ids;
  };
  std::vector<Item> items_;
};

// RobertaProcessing / BertProcessing: [cls] A [sep] for a single sequence.
class ClsSepPost : public PostProcessor {
 public:
  ClsSepPost(const json& j, const std::string& where) {
    auto get = [&](const char* key) {
      if (!j.contains(key) || !j[key].is_array() || j[key].size() != 2 || !j[key][1].is_number_integer())
        input_error(where, ": key '", key, "' must be [token, id]");
      return json_token_id(j[key][1], INT32_MAX, where, std::string("the id in '") + key + "'");
    };
    cls_ = get("cls");
    sep_ = get("sep");
  }
  void process(std::vector<int32_t>& ids, bool add) const override {
    if (!add) return;
    ids.insert(ids.begin(), cls_);
    ids.push_back(sep_);
  }

 private:
  int32_t cls_, sep_;
};

class SequencePost : public PostProcessor {
 public:
  explicit SequencePost(std::vector<std::unique_ptr<PostProcessor>> items) : items_(std::move(items)) {}
  void process(std::vector<int32_t>& ids, bool add) const override {
    for (const auto& p : items_) p->process(ids, add);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> items_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = json_type(j, where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") return std::make_unique<StripDecoder>(j, where);
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(j, where);
  if (type == "Metaspace") return std::make_unique<MetaspaceDecoder>(j, where);
  if (type == "Sequence") {
    if (!j.contains("decoders") || !j["decoders"].is_array()) input_error(where, ": Sequence needs an array 'decoders'");
    std::vector<std::unique_ptr<Decoder>> items;
    for (size_t i = 0; i < j["decoders"].size(); ++i) {
      auto d = make_decoder(j["decoders"][i], where + ".decoders[" + std::to_string(i) + "]");
      if (d) items.push_back(std::move(d));
    }
    return std::make_unique<SequenceDecoder>(std::move(items));
  }
  input_error(where, ": decoder type '", type,
              "' is not implemented by ntm (supported: ByteLevel, ByteFallback, Metaspace, Fuse, Strip, Replace, "
              "Sequence)");
}

std::unique_ptr<PostProcessor> make_post_processor(const json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  std::string type = json_type(j, where);
  if (type == "ByteLevel") return std::make_unique<NoopPost>();
  if (type == "TemplateProcessing") return std::make_unique<TemplatePost>(j, where);
  if (type == "RobertaProcessing" || type == "BertProcessing") return std::make_unique<ClsSepPost>(j, where);
  if (type == "Sequence") {
    if (!j.contains("processors") || !j["processors"].is_array())
      input_error(where, ": Sequence needs an array 'processors'");
    std::vector<std::unique_ptr<PostProcessor>> items;
    for (size_t i = 0; i < j["processors"].size(); ++i) {
      auto p = make_post_processor(j["processors"][i], where + ".processors[" + std::to_string(i) + "]");
      if (p) items.push_back(std::move(p));
    }
    return std::make_unique<SequencePost>(std::move(items));
  }
  input_error(where, ": post-processor type '", type,
              "' is not implemented by ntm (supported: TemplateProcessing, ByteLevel, RobertaProcessing, "
              "BertProcessing, Sequence)");
}

}  // namespace ntm::text
