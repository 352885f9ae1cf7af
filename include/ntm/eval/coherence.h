#pragma once
// Topic coherence over a reference corpus: NPMI, C_V, C_UCI, UMass (peers-and-metrics §4.1-§4.2).
//
// Flavours (--coherence-flavour):
//   exact    : windows counted exactly; formulas as gensim (ε inside, γ = 1 for C_V).
//   gensim   : gensim 4.x CoherenceModel bit for bit, including WordOccurrenceAccumulator's
//              sliding-window bookkeeping (see cooccurrence.h). A topic word absent from the
//              reference is dropped and the topic scored on the rest, as CoherenceModel does
//              with words outside its dictionary (topics = the first top_n words, topn = top_n).
//              Where gensim has no value (fewer than 2 words left: NaN, or none: it raises) the
//              score is 0.
//   palmetto : Palmetto 0.1.0 as the DSL paper used it: exact windows, counts below
//              10 × window set to 0, NPMI undefined (a marginal probability 0) → 0, γ = 2 in the
//              C_V context vectors, per-topic scores rounded to 5 decimals (Palmetto prints "%3.5f").
//              UMass (boolean documents) gets no minimum count. exact and palmetto count a word
//              absent from the reference as 0 occurrences (undefined values -> 0). Checked against a Python
//              transcription of these rules (scripts/gensim-coherence-fixture.py), not the JAR.
//
// Measures (segmentation / probabilities / confirmation / aggregation):
//   c_v    : one-set / sliding window (110) / cosine of NPMI^γ context vectors / mean
//   c_npmi : one-one (ordered pairs i ≠ j) / sliding window (10) / NPMI / mean
//   c_uci  : one-one / sliding window (10) / PMI = log((p12+ε)/(p1 p2)) / mean
//   u_mass : one-preceding (w_i | w_j, j < i) / boolean document / log((p12+ε)/p_j) / mean
#include <cstdint>
#include <string>
#include <vector>

#include "ntm/eval/reference_corpus.h"

namespace ntm::eval {

struct CoherenceSettings {
  std::string flavour = "exact";  // exact | gensim | palmetto
  int64_t window_cv = 110;        // 0 = whole-document windows
  int64_t window_pmi = 10;        // for c_npmi and c_uci; 0 = whole-document windows
  double epsilon = 1e-12;
  int top_n = 15;
  int64_t palmetto_min_frequency = 10;  // palmetto flavour: counts below this × window -> 0
};

struct CoherenceResult {
  std::string measure;             // c_v | c_npmi | c_uci | u_mass
  std::vector<double> per_topic;   // [K]
  double mean = 0;                 // mean over topics
  int64_t window = 0;              // 0 = document
  int64_t num_windows = 0;
  std::vector<std::string> missing_words;  // topic words absent from the reference corpus (all topics)
  std::vector<std::vector<std::string>> missing_per_topic;  // [K] the same, per topic, in rank order
};

const std::vector<std::string>& coherence_measures();  // {"c_v", "c_npmi", "c_uci", "u_mass"}

// Scores every topic (its first top_n words) with the given measures. The index must track all
// topic words (build it with the union of the topics' words).
std::vector<CoherenceResult> compute_coherence(const ReferenceIndex& index,
                                               const std::vector<std::vector<std::string>>& topics,
                                               const std::vector<std::string>& measures,
                                               const CoherenceSettings& settings);

void validate(const CoherenceSettings& settings);

}  // namespace ntm::eval
