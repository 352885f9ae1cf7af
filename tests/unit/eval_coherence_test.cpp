// Coherence engine against gensim 4.2 CoherenceModel and an independent brute-force window
// enumeration. The constants come from scripts/gensim-coherence-fixture.py (run with
// /usr/bin/python3; it holds the same corpus and topics as below).
#include "catch.h"
#include "ntm/eval/coherence.h"
#include "ntm/eval/cooccurrence.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using namespace ntm::eval;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

const std::vector<std::vector<std::string>>& texts() {
  static const std::vector<std::vector<std::string>> t = {
      split("game team game play score team game win"),
      split("team win game"),
      split("cpu disk memory disk cpu drive memory disk"),
      {},
      split("score play game team play team score win game play"),
      split("drive disk cpu game"),
      split("memory memory memory cpu"),
      split("win team team team team win score play"),
  };
  return t;
}

const std::vector<std::vector<std::string>> kTopics = {{"game", "team", "play", "score", "win"},
                                                       {"cpu", "disk", "memory", "drive", "game"},
                                                       {"team", "disk", "win", "cpu", "play"}};

struct Expected {
  const char* flavour;
  const char* measure;
  std::vector<double> values;
};

// windows: c_v 4, c_npmi/c_uci 3, u_mass document; top-n 5 (output of the fixture script)
const std::vector<Expected> kExpected = {
    {"gensim", "c_v", {0.6488657594031562, 0.6381744181481341, 0.24033886662527365}},
    {"gensim", "c_npmi", {0.0786143734135075, 0.03554167321465931, -0.50414981253217}},
    {"gensim", "c_uci", {0.11548053990618616, -4.441740020143429, -14.850277927986701}},
    {"gensim", "u_mass", {-0.2537022650898349, -3.133232308998504, -16.052863132353217}},
    {"exact", "c_v", {0.7680271034303483, 0.6411863697899929, 0.19096487188504835}},
    {"exact", "c_npmi", {0.1290173992622689, 0.05445452297839515, -0.46485049449466265}},
    {"exact", "c_uci", {0.22313351948208693, -4.523653883786192, -14.910512298201514}},
    {"exact", "u_mass", {-0.25370226508983496, -3.133232308998504, -16.052863132353217}},
    // palmetto with min_frequency = 1 (counts below 1 x window -> 0), rounded to 5 decimals
    {"palmetto", "c_v", {0.65786, 0.98523, 0.93846}},
    {"palmetto", "c_npmi", {0.05011, -0.18854, -0.54375}},
    {"palmetto", "c_uci", {-2.26271, -11.84255, -17.39636}},
    {"palmetto", "u_mass", {-0.2537, -3.13323, -16.05286}},
};

std::vector<std::string> all_words() {
  std::vector<std::string> w;
  for (const auto& t : kTopics) w.insert(w.end(), t.begin(), t.end());
  w.push_back("unused");  // an index may track more words than the topics use
  return w;
}

}  // namespace

TEST_CASE("Coherence flavours equal gensim and brute-force references", "[unit][eval]") {
  const ReferenceIndex index = build_reference_index(texts(), all_words());
  REQUIRE(index.num_docs() == 8);
  for (const char* flavour : {"gensim", "exact", "palmetto"}) {
    CoherenceSettings s;
    s.flavour = flavour;
    s.window_cv = 4;
    s.window_pmi = 3;
    s.top_n = 5;
    s.palmetto_min_frequency = 1;
    auto results = compute_coherence(index, kTopics, coherence_measures(), s);
    REQUIRE(results.size() == 4);
    for (const auto& r : results) {
      for (const auto& e : kExpected) {
        if (std::string(e.flavour) != flavour || e.measure != r.measure) continue;
        INFO(flavour << " " << r.measure);
        REQUIRE(r.per_topic.size() == 3);
        for (int t = 0; t < 3; ++t) CHECK(r.per_topic[t] == Approx(e.values[t]).margin(1e-12));
        CHECK(r.mean == Approx((e.values[0] + e.values[1] + e.values[2]) / 3).margin(1e-12));
      }
    }
  }
}

TEST_CASE("Window counts: exact vs gensim bookkeeping by hand", "[unit][eval]") {
  // One document "a x a x y", window 3: windows {a,x}, {x,a}, {a,x,y}.
  // Exact: a in 3 windows. gensim: sliding to window 1 unmarks 'a' (leaving position 0) although
  // 'a' is still at position 2, and nothing marks it again -> a counted in window 0 only.
  const ReferenceIndex index = build_reference_index({{"a", "x", "a", "x", "y"}}, {"a", "y"});
  auto exact = count_windows(index, {0, 1}, 2, 3, WindowCounting::kExact);
  auto gensim = count_windows(index, {0, 1}, 2, 3, WindowCounting::kGensim);
  CHECK(exact.num_windows == 3);
  CHECK(exact.occ[0] == 3);
  CHECK(exact.occ[1] == 1);
  CHECK(exact.pair(0, 1) == 1);
  CHECK(gensim.num_windows == 3);
  CHECK(gensim.occ[0] == 1);
  CHECK(gensim.occ[1] == 1);
  CHECK(gensim.pair(0, 1) == 0);
  // Whole-document windows and documents shorter than the window count once each.
  auto doc = count_windows(index, {0, 1}, 2, 0, WindowCounting::kExact);
  CHECK(doc.num_windows == 1);
  CHECK(doc.pair(0, 1) == 1);
  auto big = count_windows(index, {0, 1}, 2, 50, WindowCounting::kGensim);
  CHECK(big.num_windows == 1);
  CHECK(big.occ[0] == 1);
}

TEST_CASE("Reference corpus from a directory of token files", "[unit][eval]") {
  ntm::test::TempDir tmp;
  ntm::make_dirs(tmp / "ref/sub");
  // Files are read sorted by path: ref/a.txt, then ref/sub/b.txt. Repeated spaces are skipped;
  // an empty line is an empty document.
  ntm::write_file_atomic(tmp / "ref/a.txt", "game  team\n\n");
  ntm::write_file_atomic(tmp / "ref/sub/b.txt", "team x game\n");
  auto idx = build_reference_index(ReferenceSpec{tmp / "ref", "tokens"}, {"game", "team"});
  REQUIRE(idx.num_docs() == 3);
  CHECK(idx.doc_length == std::vector<int64_t>{2, 0, 3});
  CHECK(idx.word_count == std::vector<int64_t>{2, 2});
  CHECK(idx.pos == std::vector<int64_t>{0, 1, 0, 2});
  CHECK(idx.hash.size() == 64);
  // The hash covers format + documents: independent of the tracked words, sensitive to the text.
  CHECK(build_reference_index(ReferenceSpec{tmp / "ref", "tokens"}, {"x"}).hash == idx.hash);
  ntm::write_file_atomic(tmp / "ref/sub/b.txt", "team y game\n");
  CHECK(build_reference_index(ReferenceSpec{tmp / "ref", "tokens"}, {"game"}).hash != idx.hash);
}
