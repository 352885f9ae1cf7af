// Topic words absent from the reference corpus (issue 21 item 7): the gensim flavour drops them
// from their topic as gensim 4.x CoherenceModel does; the values in
// tests/fixtures/eval/gensim_missing_words.json were computed by gensim itself
// (scripts/gensim-missing-words-fixture.py). exact and palmetto keep the word with count 0.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "catch.h"
#include "ntm/eval/coherence.h"
#include "ntm/eval/reference_corpus.h"
#include "ntm/util/config.h"
#include "test_util.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

TEST_CASE("gensim flavour drops topic words absent from the reference, as gensim does", "[unit][eval][golden]") {
  const auto fx = ntm::load_json_file(ntm::test::fixture("eval/gensim_missing_words.json"));
  std::vector<std::vector<std::string>> docs;
  for (const auto& t : fx.at("texts")) docs.push_back(split(t.get<std::string>()));
  const auto topics = fx.at("topics").get<std::vector<std::vector<std::string>>>();
  std::vector<std::string> words;
  for (const auto& t : topics) words.insert(words.end(), t.begin(), t.end());
  const auto index = ntm::eval::build_reference_index(docs, words);

  ntm::eval::CoherenceSettings cs;
  cs.flavour = "gensim";
  cs.window_cv = fx["windows"]["c_v"].get<int64_t>();
  cs.window_pmi = fx["windows"]["c_npmi"].get<int64_t>();
  cs.top_n = 5;
  const auto results = ntm::eval::compute_coherence(index, topics, ntm::eval::coherence_measures(), cs);
  REQUIRE(results.size() == 4);
  for (const auto& r : results) {
    const auto& want = fx["values"][r.measure];
    REQUIRE(r.per_topic.size() == want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      INFO(r.measure << " topic " << k);
      // null: gensim has no value (one word left, NaN); ntm scores it 0.
      const double expected = want[k].is_null() ? 0.0 : want[k].get<double>();
      CHECK(r.per_topic[k] == Approx(expected).margin(1e-9));
    }
    CHECK(r.missing_per_topic == std::vector<std::vector<std::string>>{
                                     {"zebra"}, {"quasar", "nowhere"}, {"zebra"}, {}, {"quasar", "nowhere", "zebra"}});
  }
}

TEST_CASE("exact flavour keeps absent topic words with count 0 and names them per topic", "[unit][eval]") {
  const std::vector<std::vector<std::string>> docs = {{"a", "b", "c"}, {"a", "b"}, {"c", "d"}};
  const std::vector<std::vector<std::string>> topics = {{"a", "b", "zz"}};
  const auto index = ntm::eval::build_reference_index(docs, {"a", "b", "zz"});
  ntm::eval::CoherenceSettings cs;
  cs.top_n = 3;
  cs.window_pmi = 0;
  auto r = ntm::eval::compute_coherence(index, topics, {"c_npmi"}, cs).at(0);
  CHECK(r.missing_per_topic == std::vector<std::vector<std::string>>{{"zz"}});
  // Pairs with zz are undefined -> 0: 2 of the 6 ordered pairs score npmi(a, b), 4 score 0.
  cs.flavour = "gensim";
  auto g = ntm::eval::compute_coherence(index, topics, {"c_npmi"}, cs).at(0);
  CHECK(r.per_topic[0] == Approx(g.per_topic[0] * 2.0 / 6.0).margin(1e-12));
}
