// LLM topic rating (method-spec §7.6) with a local model: prompts, one forward pass per topic
// in batches, and the rating from the next-token distribution over "1", "2", "3".
#include "ntm/eval/llm_rating.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ntm/error.h"
#include "ntm/lm/model.h"
#include "ntm/text/chat_template.h"
#include "ntm/text/tokenizer.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"

namespace ntm::eval {

const char* const kRatingSystemMessage =
    "You are a helpful assistant evaluating the top words of a topic model output for a given topic. Please "
    "rate how "
    "related the following words are to each other on a scale from 1 to 3 (\"1\" = not very related, \"2\" = "
    "moderately related, \"3\" = very related).\n\nReply with a single number, indicating the overall "
    "appropriateness "
    "of the topic.";

namespace {

constexpr int64_t kPromptsPerGroup = 256;  // bounds the [group, V_lm] logits held at once

// The longest run of token ids that every prompt starts with (empty for fewer than two prompts).
std::vector<int64_t> common_prefix(const std::vector<std::vector<int64_t>>& seqs) {
  if (seqs.size() < 2) return {};
  size_t n = seqs[0].size();
  for (const auto& s : seqs) {
    size_t i = 0;
    while (i < n && i < s.size() && s[i] == seqs[0][i]) ++i;
    n = i;
  }
  return std::vector<int64_t>(seqs[0].begin(), seqs[0].begin() + long(n));
}

// sha256 of the weights: the one file (GGUF / model.safetensors) or the index and every shard.
nlohmann::json weights_identity(const std::string& model) {
  if (!is_directory(model)) return {{"file", model}, {"sha256", sha256_file(model)}};
  const std::string single = path_join(model, "model.safetensors");
  if (path_exists(single)) return {{"file", single}, {"sha256", sha256_file(single)}};
  const std::string index = path_join(model, "model.safetensors.index.json");
  if (!path_exists(index)) return nullptr;  // CausalLM::load has already named what is missing
  nlohmann::json shards = nlohmann::json::object();
  json idx = load_json_file(index);
  if (idx.contains("weight_map") && idx["weight_map"].is_object())
    for (const auto& f : idx["weight_map"])
      if (f.is_string() && !shards.contains(f.get<std::string>()))
        shards[f.get<std::string>()] = sha256_file(path_join(model, f.get<std::string>()));
  return {{"file", index}, {"sha256", sha256_file(index)}, {"shards", shards}};
}

// The token the model would emit for the digit: the vocabulary entry "k", else the single token
// the tokenizer encodes "k" as.
int64_t rating_token(const text::Tokenizer& tok, const std::string& digit, const std::string& model) {
  int32_t id = tok.token_to_id(digit);
  if (id >= 0) return id;
  auto ids = tok.encode(digit, /*add_special_tokens=*/false);
  if (ids.size() == 1) return ids[0];
  input_error(model, ": the tokenizer has no single token for the rating \"", digit, "\" (it encodes as ",
              ids.size(), " tokens); this model cannot give a one-token rating");
}

std::string special(const text::Tokenizer& tok, int32_t id) {
  return id >= 0 ? tok.id_to_token(id) : std::string();
}

}  // namespace

std::vector<TopicRating> ratings_from_logits(const at::Tensor& logits, const at::Tensor& logsumexp) {
  NTM_CHECK(logits.dim() == 2 && logits.size(1) == 3 && logsumexp.size(0) == logits.size(0),
            "rating logits shape");
  auto l = logits.to(torch::kDouble).contiguous();
  auto z = logsumexp.to(torch::kDouble).contiguous();
  auto la = l.accessor<double, 2>();
  auto za = z.accessor<double, 1>();
  std::vector<TopicRating> out(static_cast<size_t>(l.size(0)));
  for (int64_t i = 0; i < l.size(0); ++i) {
    TopicRating& r = out[size_t(i)];
    int best = 0;
    for (int k = 1; k < 3; ++k)
      if (la[i][k] > la[i][best]) best = k;  // strict: a tie keeps the smaller rating
    r.rating = best + 1;
    const double m = std::max({la[i][0], la[i][1], la[i][2]});
    double num = 0, den = 0;
    for (int k = 0; k < 3; ++k) {
      r.p[size_t(k)] = std::exp(la[i][k] - za[i]);
      const double w = std::exp(la[i][k] - m);  // Σ k p_k / Σ p_k without underflow
      num += (k + 1) * w;
      den += w;
    }
    r.expected = num / den;
    r.mass = r.p[0] + r.p[1] + r.p[2];
  }
  return out;
}

std::string rating_user_message(const std::vector<std::string>& words, int top_n) {
  std::string s;
  for (size_t i = 0; i < words.size() && static_cast<int>(i) < top_n; ++i) s += (i ? ", " : "") + words[i];
  return s;
}

nlohmann::json ratings_json(const std::vector<TopicRating>& ratings) {
  nlohmann::json j = {{"rating", nlohmann::json::array()},
                      {"expected", nlohmann::json::array()},
                      {"mass", nlohmann::json::array()},
                      {"p", nlohmann::json::array()}};
  for (const auto& r : ratings) {
    j["rating"].push_back(r.rating);
    j["expected"].push_back(r.expected);
    j["mass"].push_back(r.mass);
    j["p"].push_back(r.p);
  }
  return j;
}

LlmRatingResult rate_topics(const std::vector<std::vector<std::vector<std::string>>>& topics,
                            const LlmRatingOptions& o, c10::Device device) {
  if (o.top_n < 1) usage_error("--top-n must be >= 1 for the LLM rating");
  const text::ChatTemplate tmpl = text::resolve_chat_template(o.model, o.chat_format);
  text::check_chat_template(tmpl);  // an unsupported template fails before the model loads
  auto tok = text::load_tokenizer(o.model);
  text::ChatRenderOptions ro;
  ro.bos_token = special(*tok, tok->bos_id());
  ro.eos_token = special(*tok, tok->eos_id());
  ro.pad_token = special(*tok, tok->pad_id());
  ro.unk_token = special(*tok, tok->unk_id());
  ro.extra = {{"enable_thinking", false}};  // one-token answer: no reasoning block first (Qwen 3)

  // Prompts of all seeds' topics, in order.
  std::vector<std::vector<int64_t>> seqs;
  bool folded = false;
  std::string example;
  for (const auto& seed : topics)
    for (const auto& words : seed) {
      const std::string user = rating_user_message(words, o.top_n);
      auto r = text::try_render_chat(tmpl, {{"system", kRatingSystemMessage}, {"user", user}}, ro);
      if (!r.raised.empty()) {  // e.g. Gemma, Mistral v0.1: no system role; fold it into the user turn
        const std::string why = r.raised;
        r = text::try_render_chat(tmpl, {{"user", std::string(kRatingSystemMessage) + "\n\n" + user}}, ro);
        if (!r.raised.empty())
          input_error("chat template ", tmpl.source, " refused the rating prompt: raise_exception('",
                      r.raised, "'); pass --chat-format NAME");
        if (!folded)
          spdlog::warn(
              "llm-rating: the chat template refused a system message ('{}'); the system text "
              "goes in front of the user message instead",
              why);
        folded = true;
      }
      if (example.empty()) example = r.text;
      auto ids = tok->encode(r.text, /*add_special_tokens=*/false);  // the template holds BOS itself
      if (ids.empty()) input_error(tmpl.source, ": the rendered rating prompt is empty");
      seqs.emplace_back(ids.begin(), ids.end());
    }
  const std::vector<int64_t> rating_ids = {rating_token(*tok, "1", o.model), rating_token(*tok, "2", o.model),
                                           rating_token(*tok, "3", o.model)};

  auto lm = lm::CausalLM::load(o.model, {o.dtype, device, o.gguf_weights});
  for (int64_t id : rating_ids)
    if (id >= lm->config().vocab_size)
      input_error(o.model, ": rating token id ", id, " is outside the model's vocabulary (",
                  lm->config().vocab_size, ")");
  const int64_t budget = o.batch_tokens > 0 ? o.batch_tokens : (device.is_cuda() ? 32768 : 4096);
  const at::Tensor idx = torch::tensor(rating_ids, torch::kLong);
  // Every prompt starts with the same system message and user-turn head: run those tokens once
  // and continue each prompt from their cached keys and values (same logits up to rounding).
  lm::ForwardOptions fo;
  if (o.prefix_cache) fo.prefix = lm->prefix_cache(common_prefix(seqs));
  std::vector<TopicRating> all;
  for (size_t start = 0; start < seqs.size(); start += kPromptsPerGroup) {
    const size_t end = std::min(seqs.size(), start + size_t(kPromptsPerGroup));
    std::vector<std::vector<int64_t>> group(seqs.begin() + long(start), seqs.begin() + long(end));
    lm::ForwardResult r = lm->run(group, fo, budget);  // last_logits [g, V_lm] float32
    auto part = ratings_from_logits(r.last_logits.index_select(1, idx), torch::logsumexp(r.last_logits, 1));
    all.insert(all.end(), part.begin(), part.end());
  }

  LlmRatingResult out;
  size_t pos = 0;
  for (const auto& seed : topics) {
    out.seeds.emplace_back(all.begin() + long(pos), all.begin() + long(pos + seed.size()));
    pos += seed.size();
  }
  const std::string config = is_directory(o.model) ? path_join(o.model, "config.json") : "";
  out.settings = {
      {"model", o.model},
      {"model_type", lm->config().model_type},
      {"weights", weights_identity(o.model)},
      {"config_sha256", !config.empty() && path_exists(config) ? json(sha256_file(config)) : json(nullptr)},
      {"dtype", c10::toString(lm->dtype())},
      {"gguf_weights", lm->keeps_quantized_weights() ? "quantized" : "float"},
      {"tokenizer", tok->source()},
      {"chat_template", {{"name", tmpl.name}, {"source", tmpl.source}, {"sha256", sha256_hex(tmpl.text)}}},
      {"system_message", kRatingSystemMessage},
      {"system_folded_into_user", folded},
      {"template_variables", {{"add_generation_prompt", true}, {"enable_thinking", false}}},
      {"example_prompt", example},
      {"top_n", o.top_n},
      {"rating_token_ids", rating_ids},
      {"rating", "argmax of p(\"1\"), p(\"2\"), p(\"3\"); ties go to the smaller rating"},
      {"expected", "sum k p(k) / sum p(k)"},
      {"mass", "p(\"1\") + p(\"2\") + p(\"3\") under the full-vocabulary softmax"},
      {"prompts", seqs.size()},
      {"prefix_cache_tokens", lm::CausalLM::prefix_length(fo.prefix)}};
  return out;
}

}  // namespace ntm::eval
