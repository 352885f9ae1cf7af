// Clustering metrics: hand-computed 3-document case and scikit-learn 1.2.1 reference values
// (each computed with /usr/bin/python3; the Python line is quoted beside the constant).
#include "catch.h"
#include "ntm/eval/clustering.h"

using ntm::eval::clustering_scores;

TEST_CASE("Clustering on 3 documents and 2 topics", "[unit][eval]") {
  // labels [0,1,1], argmax topics [0,0,1]: contingency (c0,t0)=1, (c1,t0)=1, (c1,t1)=1.
  auto s = clustering_scores({0, 0, 1}, {0, 1, 1});
  CHECK(s.purity == Approx(2.0 / 3));          // (max_c n_c,t0 = 1) + (n_c1,t1 = 1)
  CHECK(s.inverse_purity == Approx(2.0 / 3));  // (n_c0,t0 = 1) + (max_t n_c1,t = 1)
  CHECK(s.harmonic_purity == Approx(2.0 / 3));
  // MI = (1/3) ln(1.5 · 0.75 · 1.5); H = H(1/3, 2/3) for both labelings.
  const double mi = std::log(1.5 * 0.75 * 1.5) / 3, h = -(std::log(1.0 / 3) + 2 * std::log(2.0 / 3)) / 3;
  CHECK(s.nmi == Approx(mi / h).margin(1e-15));
  // normalized_mutual_info_score([0,1,1],[0,0,1])
  CHECK(s.nmi == Approx(0.2740175421212811).margin(1e-15));
  // adjusted_rand_score([0,1,1],[0,0,1])
  CHECK(s.ari == Approx(-0.5).margin(1e-15));
  CHECK(s.num_documents == 3);
}

TEST_CASE("Clustering: perfect, constant and unlabelled cases", "[unit][eval]") {
  auto perfect = clustering_scores({0, 0, 1, 1}, {0, 0, 1, 1});  // the DSL repo's toy case
  CHECK(perfect.purity == 1.0);
  CHECK(perfect.nmi == Approx(1.0));
  CHECK(perfect.ari == 1.0);
  auto constant = clustering_scores({3, 3, 3}, {1, 1, 1});
  CHECK(constant.nmi == 1.0);  // sklearn: both labelings constant -> 1.0
  CHECK(constant.ari == 1.0);
  auto one_topic = clustering_scores({0, 0, 0, 0}, {0, 1, 0, 1});
  CHECK(one_topic.purity == 0.5);
  CHECK(one_topic.inverse_purity == 1.0);
  CHECK(one_topic.nmi == 0.0);
  auto unlabelled = clustering_scores({0, 1, 1}, {0, -1, 1});  // middle document ignored
  CHECK(unlabelled.num_documents == 2);
  CHECK(unlabelled.purity == 1.0);
}

TEST_CASE("Clustering NMI/ARI equal scikit-learn on larger labelings", "[unit][eval]") {
  std::vector<int64_t> y, a;
  // y=[(i*7+3)%5 if i%11 else (i//11)%3 for i in range(200)]; a=[(i*i+2*i)%4 for i in range(200)]
  for (int64_t i = 0; i < 200; ++i) {
    y.push_back(i % 11 ? (i * 7 + 3) % 5 : (i / 11) % 3);
    a.push_back((i * i + 2 * i) % 4);
  }
  auto s = clustering_scores(a, y);
  CHECK(s.nmi == Approx(0.00010115780885752971).margin(1e-15));  // normalized_mutual_info_score(y, a)
  CHECK(s.ari == Approx(-0.007990772162690785).margin(1e-15));   // adjusted_rand_score(y, a)
  y.clear();
  a.clear();
  // y=[(i*7+3)%5 for i in range(1000)]; a=[((i*7+3)%5 + (i%13==0)) % 6 for i in range(1000)]
  for (int64_t i = 0; i < 1000; ++i) {
    y.push_back((i * 7 + 3) % 5);
    a.push_back(((i * 7 + 3) % 5 + (i % 13 == 0 ? 1 : 0)) % 6);
  }
  s = clustering_scores(a, y);
  CHECK(s.nmi == Approx(0.8513318334868413).margin(1e-14));
  CHECK(s.ari == Approx(0.8383860513815886).margin(1e-14));
}
