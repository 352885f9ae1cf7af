// Pinned output of `ntm train --model lda` (issue 21, item 8: refactors of train_gibbs must not
// change a sample). A planted-topic store made here (no LM, no vocabulary builder in the way) is
// trained with a fixed seed by both samplers, with 1 and 2 threads (AD-LDA: another thread count
// is another, equally deterministic, chain). What is pinned is integer: the topic-word and
// document-topic counts recovered from beta/theta (count ratios, see train_lda_test.cpp) and the
// topic word lists, so the golden holds for every libtorch/BLAS build; the Gibbs draws themselves
// use ntm's own RNG and arithmetic only, and the dense sampler draws the same topics with and
// without AVX2 (lda_gibbs_test.cpp). A changed golden means a changed chain: say why in the commit.
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "catch.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/config.h"
#include "ntm/util/hash.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::TempDir;

namespace {

constexpr int64_t kDocs = 60, kTopics = 3, kWordsPerTopic = 8, kVocab = kTopics * kWordsPerTopic;

uint64_t mix(uint64_t x) {  // splitmix64: the corpus is a closed-form function of (document, token)
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// 60 documents of 10-24 tokens; topic t owns words [8t, 8t + 8); document d draws 3 of 4 tokens
// from topic d % 3 and the rest from topic (d + 1) % 3.
std::vector<float> planted_bow_row(int64_t d) {
  std::vector<float> row(kVocab, 0.0f);
  const int64_t len = 10 + static_cast<int64_t>(mix(static_cast<uint64_t>(d)) % 15);
  for (int64_t i = 0; i < len; ++i) {
    const uint64_t h = mix(static_cast<uint64_t>(d * 1000 + i + 1));
    const int64_t topic = h % 4 != 0 ? d % kTopics : (d + 1) % kTopics;
    row[static_cast<size_t>(topic * kWordsPerTopic + static_cast<int64_t>((h >> 8) % kWordsPerTopic))] +=
        1.0f;
  }
  return row;
}

void write_planted_store(const std::string& dir) {
  namespace store = ntm::test::store;
  ntm::labels::StoreMeta meta = store::test_meta();
  meta.vocab.clear();
  for (int64_t v = 0; v < kVocab; ++v)
    meta.vocab.push_back(std::string(1, static_cast<char>('a' + v / kWordsPerTopic)) +
                         std::to_string(v % kWordsPerTopic));
  ntm::labels::LabelStoreWriter w(dir, meta);
  ntm::labels::Chunk c;
  c.soft_labels = torch::full({kDocs, kVocab}, 1.0f / kVocab);  // [D, V] (LDA reads only the BoW)
  c.hidden = torch::zeros({kDocs, store::kH});                  // [D, H]
  c.labels = torch::arange(kDocs, torch::kLong).remainder(kTopics);
  c.doc_index = torch::arange(kDocs, torch::kLong);
  c.prompt_tokens = torch::full({kDocs}, 12, torch::kInt);
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> counts;
  for (int64_t d = 0; d < kDocs; ++d) {
    const auto row = planted_bow_row(d);
    for (int32_t v = 0; v < kVocab; ++v)
      if (row[static_cast<size_t>(v)] > 0) {
        indices.push_back(v);
        counts.push_back(row[static_cast<size_t>(v)]);
      }
    indptr.push_back(static_cast<int64_t>(indices.size()));
  }
  c.bow_indptr = torch::tensor(indptr, torch::kLong);
  c.bow_indices = torch::tensor(indices, torch::kInt);
  c.bow_counts = torch::tensor(counts, torch::kFloat);
  w.append(c);
  w.finish();
}

// "n_dk ...|n_kw ...|topics ...": the integer counts behind theta ((n_dk + α) / (n_d + Kα)) and
// beta ((n_kw + β) / (n_k + Vβ)), and the topic word lists, of one trained seed.
std::string count_fingerprint(const std::string& seed_dir) {
  const double alpha = 50.0 / kTopics, beta = 0.01;
  auto theta =
      ntm::st::File::open(seed_dir + "/theta.safetensors")->tensor("theta").to(torch::kFloat64);  // [D, K]
  auto phi =
      ntm::st::File::open(seed_dir + "/beta.safetensors")->tensor("beta").to(torch::kFloat64);  // [K, V]
  REQUIRE(theta.sizes() == (std::vector<int64_t>{kDocs, kTopics}));
  REQUIRE(phi.sizes() == (std::vector<int64_t>{kTopics, kVocab}));
  std::ostringstream s;
  std::vector<int64_t> n_k(kTopics, 0);
  s << "n_dk";
  for (int64_t d = 0; d < kDocs; ++d) {
    double n_d = 0;
    for (float c : planted_bow_row(d)) n_d += c;
    for (int64_t k = 0; k < kTopics; ++k) {
      const int64_t n_dk = std::llround(theta[d][k].item<double>() * (n_d + kTopics * alpha) - alpha);
      n_k[static_cast<size_t>(k)] += n_dk;
      s << ' ' << n_dk;
    }
  }
  s << "|n_kw";
  for (int64_t k = 0; k < kTopics; ++k)
    for (int64_t w = 0; w < kVocab; ++w)
      s << ' '
        << std::llround(phi[k][w].item<double>() *
                            (static_cast<double>(n_k[static_cast<size_t>(k)]) + kVocab * beta) -
                        beta);
  s << "|topics " << ntm::load_json_file(seed_dir + "/topics.json")["topics"].dump();
  return s.str();
}

}  // namespace

TEST_CASE("ntm train lda: pinned Gibbs samples of both samplers with 1 and 2 threads", "[e2e][lda][golden]") {
  TempDir tmp;
  write_planted_store(tmp / "store");
  struct Golden {
    const char* sampler;
    int threads;
    const char* topics;  // topics.json "topics" (top 5 words)
    const char* sha256;  // of count_fingerprint()
  };
  const Golden goldens[] = {
      {"dense", 1, R"([["c7","c1","c3","c6","c0"],["b4","b0","b6","b2","b5"],["a3","a0","a6","a7","a4"]])",
       "1bdbeb681b6e538dc7a6e9dcd789118f2531c65a7f57430f55a8eee36d1bbf98"},
      {"dense", 2, R"([["a0","a6","c7","c1","c0"],["b0","c6","c3","b7","b1"],["a3","a4","b5","b4","a1"]])",
       "610b6f3b8aa46a80dd8b96b94d48e30099f580b8309ceee3ec373932a26f2507"},
      {"sparse", 1, R"([["a7","c7","c1","c3","c6"],["b4","b0","b6","b2","b5"],["a3","a0","a6","a4","c2"]])",
       "6ce408397023c0d6f3e622d8e8b152e63ce528166ae05073e521bc61894f8f61"},
      {"sparse", 2, R"([["a6","c7","c1","c3","c6"],["b4","b0","b6","b2","b5"],["a3","a0","a7","a4","a2"]])",
       "b9bfcf960597106e4ee063e4db3cd62d9add0cd4373d668c1cb051d8d3ebf151"},
  };
  for (const Golden& g : goldens) {
    const std::string out = tmp / (std::string(g.sampler) + "-" + std::to_string(g.threads));
    auto r = run_ntm("train --config " + q(ntm::test::source_path("configs/lda.json")) + " --labels " +
                     q(tmp / "store") + " --out " + q(out) +
                     " --num-topics 3 --seeds 7 --iterations 40 --top-n 5" + " --device cpu --threads " +
                     std::to_string(g.threads) + " --lda-sampler " + g.sampler);
    INFO(g.sampler << ", " << g.threads << " thread(s)\n" << r.output);
    REQUIRE(r.exit_code == 0);
    const std::string fp = count_fingerprint(out + "/seed-7");
    INFO("fingerprint: " << fp);
    CHECK(ntm::load_json_file(out + "/seed-7/topics.json")["topics"].dump() == g.topics);
    CHECK(ntm::sha256_hex(fp) == g.sha256);
  }
}
