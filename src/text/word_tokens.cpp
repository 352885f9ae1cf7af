#include "ntm/text/word_tokens.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "ntm/error.h"

namespace ntm::text {

WordTokens map_words_to_tokens(const Tokenizer& tok, const std::vector<std::string>& words,
                               const WordTokenOptions& opts) {
  WordTokens out;
  WordTokenReport& r = out.report;
  r.num_words = words.size();
  std::vector<std::vector<int32_t>> ids(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    ids[i] = tok.encode(" " + words[i], false);
    if (ids[i].empty())
      input_error("vocabulary word '", words[i], "' (index ", i, ") encodes to zero LM tokens with ", tok.source(),
                  "; remove it from the vocabulary");
  }
  bool shared = !words.empty();
  for (size_t i = 0; i < words.size() && shared; ++i)
    shared = ids[i].size() >= 2 && ids[i][0] == ids[0][0];
  r.shared_prefix_rule = shared;
  size_t skip = shared ? 1 : 0;
  if (shared) r.shared_prefix_id = ids[0][0];
  out.token_ids.resize(words.size());
  std::vector<std::vector<size_t>> groups;
  std::unordered_map<int32_t, size_t> group_of;
  for (size_t i = 0; i < words.size(); ++i) {
    out.token_ids[i] = ids[i][skip];
    size_t n = ids[i].size() - skip;
    if (n == 1) ++r.single_token_words;
    else ++r.multi_token_words;
    if (n >= opts.many_pieces) r.many_pieces.push_back({words[i], std::vector<int32_t>(ids[i].begin() + skip, ids[i].end())});
    auto [it, inserted] = group_of.emplace(out.token_ids[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  for (const auto& g : groups) {
    if (g.size() < 2) continue;
    WordTokenReport::Collision c;
    c.token_id = out.token_ids[g[0]];
    c.token = tok.id_to_token(c.token_id);
    for (size_t i : g) c.words.push_back(words[i]);
    r.words_in_collisions += g.size();
    r.collisions.push_back(std::move(c));
  }
  if (!r.collisions.empty())
    spdlog::warn("{} vocabulary words share a prefix token with another word ({} shared tokens); they get identical "
                 "soft-label logits",
                 r.words_in_collisions, r.collisions.size());
  return out;
}

nlohmann::json to_json(const WordTokenReport& r) {
  nlohmann::json j;
  j["shared_prefix_rule"] = r.shared_prefix_rule;
  j["shared_prefix_id"] = r.shared_prefix_id;
  j["num_words"] = r.num_words;
  j["single_token_words"] = r.single_token_words;
  j["multi_token_words"] = r.multi_token_words;
  j["words_in_collisions"] = r.words_in_collisions;
  j["collisions"] = nlohmann::json::array();
  for (const auto& c : r.collisions) j["collisions"].push_back({{"token_id", c.token_id}, {"token", c.token}, {"words", c.words}});
  j["many_pieces"] = nlohmann::json::array();
  for (const auto& m : r.many_pieces) j["many_pieces"].push_back({{"word", m.word}, {"ids", m.ids}});
  return j;
}

}  // namespace ntm::text
