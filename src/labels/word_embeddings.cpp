#include "ntm/labels/word_embeddings.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "ntm/error.h"
#include "lm/tensor_source.h"

namespace ntm::labels {

at::Tensor lm_word_embeddings(const std::string& model_dir, const text::Tokenizer& tok,
                              const std::vector<std::string>& words, const text::WordTokenReport& report,
                              nlohmann::json& source) {
  auto ckpt = lm::open_tensor_source(model_dir);  // checkpoint folder or GGUF file
  std::string name;
  for (const char* n : {"model.embed_tokens.weight", "model.language_model.embed_tokens.weight",
                        "transformer.wte.weight", "wte.weight"})
    if (ckpt->contains(n)) {
      name = n;
      break;
    }
  if (name.empty())
    input_error(model_dir, ": no input-embedding tensor (model.embed_tokens.weight or wte.weight) for the word "
                "embeddings of the label store");
  at::Tensor table = ckpt->tensor(name);  // [V_lm, E], the checkpoint's dtype (memory-mapped; GGUF: float32)
  if (table.dim() != 2) input_error(model_dir, ": '", name, "' is not a matrix");
  const int64_t V_lm = table.size(0), E = table.size(1), V = static_cast<int64_t>(words.size());
  auto out = torch::empty({V, E}, torch::kFloat32);  // [V, E]
  int64_t dropped = 0;
  for (int64_t v = 0; v < V; ++v) {
    std::vector<int32_t> ids = tok.encode(" " + words[static_cast<size_t>(v)], /*add_special_tokens=*/false);
    if (report.shared_prefix_rule && ids.size() >= 2 && ids[0] == report.shared_prefix_id) {
      ids.erase(ids.begin());
      ++dropped;
    }
    if (ids.empty()) input_error("vocabulary word '", words[static_cast<size_t>(v)], "' encodes to no token");
    std::vector<int64_t> idx(ids.begin(), ids.end());
    for (int64_t id : idx)
      if (id < 0 || id >= V_lm)
        input_error("vocabulary word '", words[static_cast<size_t>(v)], "' maps to token ", id, ", outside ", name,
                    " (", V_lm, " rows)");
    auto rows = table.index_select(0, torch::tensor(idx, torch::kLong)).to(torch::kFloat32);  // [n, E]
    out[v].copy_(rows.mean(0));
  }
  source = {{"kind", "lm-input-embeddings"},
            {"tensor", name},
            {"reduce", "mean over the tokens of \" \" + word (no special tokens)"},
            {"shared_prefix_dropped", report.shared_prefix_rule}};
  spdlog::info("build-labels: word embeddings [{}, {}] from {} ({} words without the shared prefix piece)", V, E,
               name, dropped);
  return out;
}

void store_lm_word_embeddings(LabelStoreWriter& writer, const std::string& model_dir, const text::Tokenizer& tok,
                              const std::vector<std::string>& words, const text::WordTokenReport& report) {
  nlohmann::json source;
  at::Tensor e = lm_word_embeddings(model_dir, tok, words, report, source);
  writer.set_word_embeddings(e, source);
}

}  // namespace ntm::labels
