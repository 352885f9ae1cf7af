#pragma once
// The paper's LLM topic rating (method-spec §7.6) with a local instruct model.
//
// For every topic, the §7.6 system message and the topic's top words (joined by ", ") as the
// user message are rendered with the model's chat template (or a built-in --chat-format), and
// one forward pass gives the next-token distribution p over the full vocabulary. With p1, p2,
// p3 the probabilities of the tokens "1", "2", "3":
//   rating   = argmax_k p_k (ties: the smaller k), what temperature 0 with one token gives when
//              the reply is a rating;
//   expected = Σ k p_k / Σ p_k;
//   mass     = Σ p_k (how much of the next-token distribution is a rating at all).
// llm_rating / llm_rating_expected are their means over the topics of a seed.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ntm::eval {

// The §7.6 system message, verbatim.
extern const char* const kRatingSystemMessage;

struct LlmRatingOptions {
  std::string model;        // checkpoint (whatever `ntm build-labels --model` accepts)
  std::string chat_format;  // "" = the model's chat template; else a built-in format name
  std::string dtype = "auto";
  std::string gguf_weights = "quantized";  // GGUF: quantized | float (see lm::LoadOptions)
  int64_t batch_tokens = 0;  // padded tokens per LM batch; 0 = 4096 on CPU, 32768 on CUDA
  int top_n = 15;            // words per topic in the user message
  // The token prefix every prompt shares (system message, user-turn head) runs once and each
  // prompt continues from its cached keys and values; false: every prompt in full (same ratings
  // up to floating-point rounding).
  bool prefix_cache = true;
};

struct TopicRating {
  int rating = 0;             // 1..3
  double expected = 0.0;      // in [1, 3]
  double mass = 0.0;          // p1 + p2 + p3
  std::array<double, 3> p{};  // p1, p2, p3 (full-vocabulary softmax)
};

// Ratings from the logits of the tokens "1", "2", "3" and each row's log-sum-exp over the full
// vocabulary: logits [N, 3] float32, logsumexp [N]. Pure; the tie rule lives here.
std::vector<TopicRating> ratings_from_logits(const at::Tensor& logits, const at::Tensor& logsumexp);

// The user message of one topic: its first top_n words joined by ", ".
std::string rating_user_message(const std::vector<std::string>& words, int top_n);

struct LlmRatingResult {
  std::vector<std::vector<TopicRating>> seeds;  // [seed][topic]
  nlohmann::json settings;                      // model identity, template, token ids, rules
};

// Rates every topic of every seed; all prompts go through the LM in length-sorted batches.
// Errors (exit 2) before the model loads when the chat template cannot be rendered.
LlmRatingResult rate_topics(const std::vector<std::vector<std::vector<std::string>>>& topics,
                            const LlmRatingOptions& options, c10::Device device);

// Per-seed metrics.json block: {"rating": [...], "expected": [...], "mass": [...], "p": [[p1,p2,p3], ...]}.
nlohmann::json ratings_json(const std::vector<TopicRating>& ratings);

}  // namespace ntm::eval
