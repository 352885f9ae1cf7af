// Bag of words as CSR on hand-made documents.
#include "catch.h"
#include "ntm/data/bow.h"
#include "ntm/data/corpus.h"
#include "test_util.h"

using W = std::vector<std::string>;

TEST_CASE("BowBuilder: rows in order, ascending columns, counts, empty rows", "[unit][data][bow]") {
  ntm::Vocab vocab(W{"cat", "dog", "fish"});
  ntm::BowBuilder b(vocab);
  b.add_words({"dog", "cat", "dog", "bird"});  // bird is not in the vocabulary
  b.add_words({});
  b.add_text("our cats and fish. fish eat dog food fish");  // kept: cats, fish, eat, dog, food, fish
  b.add_indices({2, 2, 0});
  CHECK(b.find("fish") == 2);
  CHECK(b.find("fis") == -1);
  ntm::CsrBow m = b.finish();
  CHECK(m.num_cols == 3);
  CHECK(m.num_rows() == 4);
  CHECK(m.indptr == std::vector<int64_t>{0, 2, 2, 4, 6});
  CHECK(m.indices == std::vector<int32_t>{0, 1, 1, 2, 0, 2});
  CHECK(m.counts == std::vector<float>{1, 2, 1, 2, 1, 2});
  CHECK(m.nnz() == 6);
  CHECK(m.num_empty_rows() == 1);
  CHECK(b.num_rows() == 0);  // finish() resets
  CHECK(ntm::bow_string("our cats and fish. fish eat dog food fish", vocab) == "fish dog fish");
}

TEST_CASE("build_bow over a corpus file follows corpus order", "[unit][data][bow]") {
  ntm::Vocab vocab(W{"green", "new", "like", "apples", "old"});
  auto reader = ntm::CorpusReader::open(ntm::test::fixture("corpora/tiny.tsv"));
  ntm::CsrBow m = ntm::build_bow(*reader, vocab);
  REQUIRE(m.num_rows() == 6);
  // like green apples green pears | sell green apples market | old car needs new tyres new brakes |
  // (empty) | car dealer sells old cars new cars | like phones
  CHECK(m.indptr == std::vector<int64_t>{0, 3, 5, 7, 7, 9, 10});
  CHECK(m.indices == std::vector<int32_t>{0, 2, 3, 0, 3, 1, 4, 1, 4, 2});
  CHECK(m.counts == std::vector<float>{2, 1, 1, 1, 1, 2, 1, 1, 1, 1});
  CHECK(m.num_empty_rows() == 1);
}
