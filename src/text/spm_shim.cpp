// libntm_spm_shim.so: a C interface over libsentencepiece, built as its own shared library and
// dlopen()ed by ntm with RTLD_LOCAL | RTLD_DEEPBIND. Debian's libsentencepiece embeds a copy of
// protobuf that clashes with libtorch's when both are linked into one process; kept in its own
// symbol scope it is harmless. Only the functions below are exported (hidden visibility default).
#include <sentencepiece_processor.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#define NTM_SPM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

void copy_message(const std::string& msg, char* buf, size_t cap) {
  if (!buf || cap == 0) return;
  size_t n = std::min(msg.size(), cap - 1);
  std::memcpy(buf, msg.data(), n);
  buf[n] = '\0';
}

}  // namespace

// Interface version, checked by the loader.
NTM_SPM_EXPORT int ntm_spm_abi_version() { return 1; }

// Loads a model from its serialized ModelProto. Returns nullptr and fills err on failure.
NTM_SPM_EXPORT void* ntm_spm_load(const char* data, size_t size, char* err, size_t err_cap) {
  auto* sp = new sentencepiece::SentencePieceProcessor();
  auto status = sp->LoadFromSerializedProto(std::string(data, size));
  if (!status.ok()) {
    copy_message(status.ToString(), err, err_cap);
    delete sp;
    return nullptr;
  }
  return sp;
}

NTM_SPM_EXPORT void ntm_spm_free(void* h) { delete static_cast<sentencepiece::SentencePieceProcessor*>(h); }

// Encodes text into ids. Returns the number of ids (writing at most cap of them to out), or -1
// with err filled on failure.
NTM_SPM_EXPORT int64_t ntm_spm_encode(void* h, const char* text, size_t size, int32_t* out, size_t cap, char* err,
                                      size_t err_cap) {
  std::vector<int> ids;
  auto status = static_cast<sentencepiece::SentencePieceProcessor*>(h)->Encode(std::string(text, size), &ids);
  if (!status.ok()) {
    copy_message(status.ToString(), err, err_cap);
    return -1;
  }
  for (size_t k = 0; k < ids.size() && k < cap; ++k) out[k] = ids[k];
  return static_cast<int64_t>(ids.size());
}

// Decodes ids into text; returns the length (writing at most cap bytes to out).
NTM_SPM_EXPORT int64_t ntm_spm_decode(void* h, const int32_t* ids, size_t n, char* out, size_t cap) {
  std::vector<int> v(ids, ids + n);
  std::string s = static_cast<sentencepiece::SentencePieceProcessor*>(h)->DecodeIds(v);
  if (out) std::memcpy(out, s.data(), std::min(cap, s.size()));
  return static_cast<int64_t>(s.size());
}

NTM_SPM_EXPORT int32_t ntm_spm_piece_size(void* h) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(h)->GetPieceSize();
}

// Copies the piece of id into out; returns its length (or -1 when id is out of range).
NTM_SPM_EXPORT int64_t ntm_spm_id_to_piece(void* h, int32_t id, char* out, size_t cap) {
  auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  if (id < 0 || id >= sp->GetPieceSize()) return -1;
  const std::string& s = sp->IdToPiece(id);
  if (out) std::memcpy(out, s.data(), std::min(cap, s.size()));
  return static_cast<int64_t>(s.size());
}

// The id of piece, or -1 when it is not a piece of the model.
NTM_SPM_EXPORT int32_t ntm_spm_piece_to_id(void* h, const char* piece, size_t size) {
  auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  std::string p(piece, size);
  int id = sp->PieceToId(p);
  if (id == sp->unk_id() && sp->IdToPiece(id) != p) return -1;
  return id;
}

// kind: 0 unk, 1 bos, 2 eos, 3 pad.
NTM_SPM_EXPORT int32_t ntm_spm_special_id(void* h, int kind) {
  auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  switch (kind) {
    case 0: return sp->unk_id();
    case 1: return sp->bos_id();
    case 2: return sp->eos_id();
    default: return sp->pad_id();
  }
}

// 1 when id is a control or unknown symbol (what decode(skip_special_tokens) drops).
NTM_SPM_EXPORT int ntm_spm_is_control(void* h, int32_t id) {
  auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(h);
  return sp->IsControl(id) ? 1 : 0;
}
