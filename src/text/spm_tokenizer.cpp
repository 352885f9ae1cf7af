// SentencePiece tokenizer.model through libntm_spm_shim.so (dlopen, RTLD_LOCAL | RTLD_DEEPBIND),
// with transformers' LlamaTokenizer rules: special tokens split out first, legacy / non-legacy
// handling of the dummy prefix, BOS/EOS per tokenizer_config.json.
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "ntm/error.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/fs.h"
#include "ntm_build_info.h"
#include "text/tokenizer_config.h"
#include "text/utf8.h"

#if defined(__SANITIZE_ADDRESS__)
#define NTM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NTM_ASAN 1
#endif
#endif
#ifndef NTM_ASAN
#define NTM_ASAN 0
#endif

namespace ntm::text {

void apply_tokenizer_config(Tokenizer& t, const TokenizerConfig& c);
std::string patch_spm_disable_dummy_prefix(const std::string& proto, const std::string& path);
std::string spm_proto_problem(const std::string& proto);

namespace {

struct ShimApi {
  void* lib = nullptr;
  int (*abi_version)();
  void* (*load)(const char*, size_t, char*, size_t);
  void (*free_model)(void*);
  int64_t (*encode)(void*, const char*, size_t, int32_t*, size_t, char*, size_t);
  int64_t (*decode)(void*, const int32_t*, size_t, char*, size_t);
  int32_t (*piece_size)(void*);
  int64_t (*id_to_piece)(void*, int32_t, char*, size_t);
  int32_t (*piece_to_id)(void*, const char*, size_t);
  int32_t (*special_id)(void*, int);
  int (*is_control)(void*, int32_t);
};

std::string exe_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<size_t>(n));
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

const ShimApi& shim() {
  static std::once_flag once;
  static ShimApi api;
  static std::string error;
  std::call_once(once, [] {
#if NTM_ASAN
    // ASan aborts the process on dlopen(RTLD_DEEPBIND), and without DEEPBIND the shim's protobuf
    // would clash with libtorch's (see the top of this file).
    error = "SentencePiece tokenizers (tokenizer.model) cannot be loaded by this AddressSanitizer build: "
            "the shim needs dlopen(RTLD_DEEPBIND), which ASan does not support (google/sanitizers#611); "
            "use a regular build";
    return;
#endif
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("NTM_SPM_SHIM"); env && *env) candidates.push_back(env);
    std::string dir = exe_dir();
    candidates.push_back(dir + "/" NTM_SPM_SHIM_NAME);
    candidates.push_back(dir + "/../" NTM_SPM_SHIM_NAME);
    std::string tried;
    for (const auto& c : candidates) {
      if (!path_exists(c)) {
        tried += (tried.empty() ? "" : ", ") + c;
        continue;
      }
      api.lib = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!api.lib) {
        const char* e = ::dlerror();
        error = "cannot load " + c + ": " + (e ? e : "dlopen failed");
        return;
      }
      break;
    }
    if (!api.lib) {
      error = "the SentencePiece shim " NTM_SPM_SHIM_NAME " was not found (tried " + tried +
              "); build ntm with libsentencepiece-dev installed or set NTM_SPM_SHIM";
      return;
    }
    auto sym = [&](const char* name) {
      void* p = ::dlsym(api.lib, name);
      if (!p && error.empty()) error = std::string("the SentencePiece shim lacks symbol ") + name;
      return p;
    };
    api.abi_version = reinterpret_cast<int (*)()>(sym("ntm_spm_abi_version"));
    api.load = reinterpret_cast<decltype(api.load)>(sym("ntm_spm_load"));
    api.free_model = reinterpret_cast<decltype(api.free_model)>(sym("ntm_spm_free"));
    api.encode = reinterpret_cast<decltype(api.encode)>(sym("ntm_spm_encode"));
    api.decode = reinterpret_cast<decltype(api.decode)>(sym("ntm_spm_decode"));
    api.piece_size = reinterpret_cast<decltype(api.piece_size)>(sym("ntm_spm_piece_size"));
    api.id_to_piece = reinterpret_cast<decltype(api.id_to_piece)>(sym("ntm_spm_id_to_piece"));
    api.piece_to_id = reinterpret_cast<decltype(api.piece_to_id)>(sym("ntm_spm_piece_to_id"));
    api.special_id = reinterpret_cast<decltype(api.special_id)>(sym("ntm_spm_special_id"));
    api.is_control = reinterpret_cast<decltype(api.is_control)>(sym("ntm_spm_is_control"));
    if (error.empty() && api.abi_version() != 1) error = "the SentencePiece shim has an unexpected ABI version";
  });
  if (!error.empty()) input_error(error);
  return api;
}

class SpmModel {
 public:
  SpmModel(const std::string& proto, const std::string& path) {
    char err[512] = {0};
    h_ = shim().load(proto.data(), proto.size(), err, sizeof err);
    if (!h_) input_error(path, ": not a valid SentencePiece model: ", err);
  }
  ~SpmModel() {
    if (h_) shim().free_model(h_);
  }
  void encode(std::string_view s, std::vector<int32_t>& out) const {
    thread_local std::vector<int32_t> buf(1024);
    char err[256] = {0};
    int64_t n = shim().encode(h_, s.data(), s.size(), buf.data(), buf.size(), err, sizeof err);
    if (n > static_cast<int64_t>(buf.size())) {
      buf.resize(static_cast<size_t>(n));
      n = shim().encode(h_, s.data(), s.size(), buf.data(), buf.size(), err, sizeof err);
    }
    if (n < 0) internal_error("sentencepiece encode failed: ", err);
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
  void* handle() const { return h_; }

 private:
  void* h_ = nullptr;
};

class SpmTokenizer : public Tokenizer {
 public:
  SpmTokenizer(const std::string& path, const TokenizerConfig& cfg) {
    std::string proto = read_file(path);
    std::string problem = spm_proto_problem(proto);
    if (!problem.empty())
      input_error(path, ": not a SentencePiece model (protobuf: ", problem, "); expected a tokenizer.model file");
    model_ = std::make_unique<SpmModel>(proto, path);
    legacy_ = cfg.legacy.value_or(true);
    add_prefix_space_ = cfg.add_prefix_space.value_or(true);
    if (!legacy_) no_prefix_model_ = std::make_unique<SpmModel>(patch_spm_disable_dummy_prefix(proto, path), path);
    void* h = model_->handle();
    int32_t n = shim().piece_size(h);
    for (int32_t id = 0; id < n; ++id) pieces_.push_back(piece(id));
    auto sid = [&](const std::optional<std::string>& tok, int kind) {
      return tok ? token_to_id(*tok) : shim().special_id(h, kind);
    };
    set_special_ids(sid(cfg.bos_token, 1), sid(cfg.eos_token, 2), sid(cfg.pad_token, 3), sid(cfg.unk_token, 0));
    set_model_max_length(cfg.model_max_length);
    add_bos_ = cfg.add_bos_token.value_or(true);
    add_eos_ = cfg.add_eos_token.value_or(false);
    // Special tokens split out of the text before SentencePiece sees it.
    for (const auto& [id, tok] : cfg.added_tokens) specials_.push_back(tok.first);
    for (const auto& t : {cfg.bos_token, cfg.eos_token, cfg.unk_token, cfg.pad_token})
      if (t && !t->empty()) specials_.push_back(*t);
    // LlamaTokenizer's defaults (<unk>, <s>, </s>) are the model's own pieces when unset.
    for (int32_t id : {bos_id(), eos_id(), unk_id()})
      if (id >= 0 && !id_to_token(id).empty()) specials_.push_back(id_to_token(id));
    std::sort(specials_.begin(), specials_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    specials_.erase(std::unique(specials_.begin(), specials_.end()), specials_.end());
    if (!legacy_) {
      std::string unk = cfg.unk_token.value_or(unk_id() >= 0 ? id_to_token(unk_id()) : "<unk>");
      std::vector<int32_t> ids;
      no_prefix_model_->encode(unk, ids);
      unk_len_ = ids.size();
      unk_text_ = unk;
    }
    set_source(path);
  }

  std::vector<int32_t> encode(std::string_view text_in, bool add_special_tokens) const override {
    std::string text = is_valid_utf8(text_in) ? std::string(text_in) : utf8_lossy(text_in);
    std::vector<int32_t> ids;
    if (add_special_tokens && add_bos_ && bos_id() >= 0) ids.push_back(bos_id());
    if (!legacy_ && !text.empty()) {
      text = replace_all(text, "\xE2\x96\x81", " ");
      if (add_prefix_space_) text.insert(0, "\xE2\x96\x81");
    }
    size_t first = ids.size();
    size_t pos = 0;
    while (pos < text.size()) {
      size_t hit_at = std::string::npos;
      const std::string* hit = nullptr;
      for (size_t p = pos; p < text.size() && !hit; ++p) {
        for (const auto& s : specials_) {
          if (text.compare(p, s.size(), s) == 0) {
            hit = &s;
            hit_at = p;
            break;
          }
        }
      }
      size_t end = hit ? hit_at : text.size();
      if (end > pos) encode_chunk(std::string_view(text).substr(pos, end - pos), ids);
      if (!hit) break;
      ids.push_back(token_to_id(*hit));
      pos = hit_at + hit->size();
    }
    // Non-legacy: a lone "▁" before a special token is dropped (LlamaTokenizer.tokenize).
    if (!legacy_ && ids.size() > first + 1 && id_to_token(ids[first]) == "\xE2\x96\x81" && is_special(ids[first + 1]))
      ids.erase(ids.begin() + first);
    if (add_special_tokens && add_eos_ && eos_id() >= 0) ids.push_back(eos_id());
    return ids;
  }

  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const override {
    std::vector<int32_t> keep;
    for (int32_t id : ids)
      if (!(skip_special_tokens && is_special(id))) keep.push_back(id);
    int64_t n = shim().decode(model_->handle(), keep.data(), keep.size(), nullptr, 0);
    std::string out(static_cast<size_t>(n), '\0');
    shim().decode(model_->handle(), keep.data(), keep.size(), out.data(), out.size());
    return out;
  }

  int32_t token_to_id(std::string_view token) const override {
    return shim().piece_to_id(model_->handle(), token.data(), token.size());
  }
  std::string id_to_token(int32_t id) const override {
    return id >= 0 && static_cast<size_t>(id) < pieces_.size() ? pieces_[id] : std::string();
  }
  int64_t vocab_size() const override { return static_cast<int64_t>(pieces_.size()); }
  std::string kind() const override { return "sentencepiece"; }

 private:
  std::string piece(int32_t id) const {
    int64_t n = shim().id_to_piece(model_->handle(), id, nullptr, 0);
    std::string s(static_cast<size_t>(std::max<int64_t>(n, 0)), '\0');
    shim().id_to_piece(model_->handle(), id, s.data(), s.size());
    return s;
  }
  bool is_special(int32_t id) const {
    if (shim().is_control(model_->handle(), id)) return true;
    std::string t = id_to_token(id);
    return std::find(specials_.begin(), specials_.end(), t) != specials_.end();
  }
  static std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
    return s;
  }
  void encode_chunk(std::string_view chunk, std::vector<int32_t>& ids) const {
    if (legacy_) {
      model_->encode(chunk, ids);
      return;
    }
    bool starts = chunk.rfind("\xE2\x96\x81", 0) == 0 || chunk.rfind(" ", 0) == 0;
    if (!starts) {
      no_prefix_model_->encode(chunk, ids);
      return;
    }
    std::vector<int32_t> tmp;
    std::string s = unk_text_ + std::string(chunk);
    no_prefix_model_->encode(s, tmp);
    size_t skip = tmp.size() >= unk_len_ ? unk_len_ : 0;
    ids.insert(ids.end(), tmp.begin() + skip, tmp.end());
  }

  std::unique_ptr<SpmModel> model_, no_prefix_model_;
  std::vector<std::string> pieces_, specials_;
  bool legacy_ = true, add_prefix_space_ = true, add_bos_ = true, add_eos_ = false;
  size_t unk_len_ = 0;
  std::string unk_text_;
};

}  // namespace

std::unique_ptr<Tokenizer> load_sentencepiece(const std::string& model_path, const std::string& config_path) {
  TokenizerConfig cfg = read_tokenizer_config(config_path);
  return std::make_unique<SpmTokenizer>(model_path, cfg);
}

}  // namespace ntm::text
