// Diversity metrics against the values method-spec §10 lists (computed with the DSL repo's rbo.py)
// and hand-computed cases.
#include "catch.h"
#include "ntm/eval/diversity.h"

using ntm::eval::Topic;

namespace {
Topic words(const std::string& prefix, int from, int to) {
  Topic t;
  for (int i = from; i < to; ++i) t.push_back(prefix + std::to_string(i));
  return t;
}
Topic concat(Topic a, const Topic& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
}  // namespace

TEST_CASE("RBO_ext reference values (method-spec §10)", "[unit][eval]") {
  const Topic w = words("w", 0, 15);
  Topic rev(w.rbegin(), w.rend());
  const Topic shared5 = concat(words("w", 0, 5), words("x", 5, 15));
  CHECK(ntm::eval::rbo_ext(w, w) == Approx(1.0).margin(1e-15));
  CHECK(ntm::eval::rbo_ext(w, words("y", 0, 15)) == Approx(0.0).margin(1e-15));
  CHECK(ntm::eval::rbo_ext(w, rev) == Approx(0.3616919136532919).margin(1e-14));
  CHECK(ntm::eval::rbo_ext(w, shared5) == Approx(0.6949782002108074).margin(1e-14));
  CHECK(ntm::eval::rbo_ext(shared5, w) == Approx(0.6949782002108074).margin(1e-14));
}

TEST_CASE("I-RBO and TD of three topics (method-spec §10)", "[unit][eval]") {
  std::vector<Topic> topics = {words("w", 0, 15), concat(words("w", 0, 5), words("x", 5, 15)), words("y", 0, 15)};
  CHECK(ntm::eval::inverted_rbo(topics, 15) == Approx(0.7683405999297309).margin(1e-14));
  CHECK(ntm::eval::topic_diversity(topics, 15) == Approx(0.8888888888888888).margin(1e-15));
}

TEST_CASE("Diversity on two hand-made topics", "[unit][eval]") {
  // Topics {a b c} and {c d e}: 5 distinct words of 6 -> TD = 5/6.
  std::vector<Topic> topics = {{"a", "b", "c"}, {"c", "d", "e"}};
  CHECK(ntm::eval::topic_diversity(topics, 3) == Approx(5.0 / 6.0));
  // top-2: {a b} {c d}: all distinct.
  CHECK(ntm::eval::topic_diversity(topics, 2) == Approx(1.0));
  // RBO_ext for k = 3, equal lengths: (1-p) Σ_{d=1..3} p^{d-1} A_d + p^3 A_3 with A = (0, 0, 1/3).
  const double p = 0.9, expected = (1 - p) * p * p * (1.0 / 3) + p * p * p * (1.0 / 3);
  CHECK(ntm::eval::rbo_ext(topics[0], topics[1], p) == Approx(expected).margin(1e-15));
  CHECK(ntm::eval::inverted_rbo(topics, 3, p) == Approx(1.0 - expected).margin(1e-15));
  // Lists of different lengths (s = 2, l = 4): the §7.2 formula evaluated term by term in Python
  // gives 0.9135999999999999 (the tie-aware X_d makes it < 1 although S is a prefix of L).
  CHECK(ntm::eval::rbo_ext({"a", "b"}, {"a", "b", "c", "d"}) == Approx(0.9136).margin(1e-12));
  CHECK(ntm::eval::inverted_rbo({{"a"}}, 15) == 1.0);
}
