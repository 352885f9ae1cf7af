// One-document batches (issue 24 item 1): BatchNorm has no statistics for a batch of one
// document, so a corpus of 64k + 1 documents used to crash every BatchNorm model in epoch 1.
// The lone last document joins the batch before it; a one-document corpus (or --batch-size 1)
// trains with BatchNorm's running statistics. Every model trains and infers on 65, 129 and 1
// documents.
#include <string>
#include <utility>
#include <vector>

#include "catch.h"
#include "ntm/topic/model.h"
#include "ntm/topic/trainer.h"
#include "ntm/util/config.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

// Store rows d with d % 4 == 2 have an empty BoW (label_store_test_util.h); models that drop them
// need a larger store to train on `docs` documents.
int64_t store_size_for(int64_t docs, bool drops_empty) {
  if (!drops_empty) return docs;
  int64_t n = docs;
  while (n - (n + 1) / 4 != docs) ++n;
  return n;
}

}  // namespace

TEST_CASE("epoch_batches: a lone last document joins the batch before it", "[unit][train]") {
  using ntm::topic::epoch_batches;
  CHECK(epoch_batches(65, 64) == Ranges{{0, 65}});
  CHECK(epoch_batches(129, 64) == Ranges{{0, 64}, {64, 129}});
  CHECK(epoch_batches(300, 299) == Ranges{{0, 300}});
  CHECK(epoch_batches(128, 64) == Ranges{{0, 64}, {64, 128}});
  CHECK(epoch_batches(130, 64) == Ranges{{0, 64}, {64, 128}, {128, 130}});
  CHECK(epoch_batches(1, 64) == Ranges{{0, 1}});   // a one-document corpus: running statistics
  CHECK(epoch_batches(3, 1) == Ranges{{0, 1}, {1, 2}, {2, 3}});
  CHECK(epoch_batches(2, 64) == Ranges{{0, 2}});
}

TEST_CASE("every model trains and infers on 65, 129 and 1 documents (batch size 64)", "[e2e][train]") {
  TempDir tmp;
  for (const auto& entry : ntm::topic::model_registry()) {
    const std::string model = entry.name;
    ntm::topic::TrainOptions o;
    o.model = model;
    const bool drops = entry.inputs(o).drop_empty_bow;
    for (int64_t docs : {65, 129, 1}) {  // 1 document: K = 2 > D trains (with a warning)
      const std::string tag = model + "-" + std::to_string(docs);
      const std::string store = tmp / ("store-" + tag);
      ntm::test::store::write_store(store, {store_size_for(docs, drops)});
      const std::string out = tmp / ("run-" + tag);
      auto r = run_ntm("train --config " + q(source_path("configs/tiny.json")) + " --model " + model + " --labels " +
                       q(store) + " --out " + q(out) + " --device cpu --threads 1 --epochs 2 --batch-size 64" +
                       " --iterations 20 --num-topics " + (docs == 1 ? "2" : "3"));
      INFO(tag << "\n" << r.output);
      REQUIRE(r.exit_code == 0);
      CHECK(ntm::load_json_file(out + "/seed-0/meta.json")["num_docs"] == docs);
      auto inf = run_ntm("infer --run " + q(out + "/seed-0") + " --labels " + q(store) + " --out " +
                         q(tmp / ("theta-" + tag + ".safetensors")) + " --device cpu --threads 1");
      INFO(inf.output);
      CHECK(inf.exit_code == 0);
    }
  }
}
