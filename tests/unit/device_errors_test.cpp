// [device] issue 21 item 6: a device out-of-memory error is exit 2 with the fix (lower
// --batch-tokens), tested on CPU through the NTM_FAULT_OOM seam; a training checkpoint written on
// one kind of device resumes on another (its RNG state is stored per device kind).
#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/topic/trainer.h"
#include "ntm/util/device.h"
#include "ntm/util/fs.h"
#include "test_util.h"
#include "unit/label_store_test_util.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::source_path;
using ntm::test::TempDir;

TEST_CASE("a CUDA out-of-memory error is recognised and becomes an input error naming the fix", "[unit][device]") {
  CHECK(ntm::is_out_of_memory(std::runtime_error("CUDA out of memory. Tried to allocate 20.00 MiB")));
  CHECK_FALSE(ntm::is_out_of_memory(std::runtime_error("index out of range")));
  try {
    TORCH_CHECK_WITH(OutOfMemoryError, false, "Tried to allocate 2.00 GiB");
  } catch (const std::exception& e) {
    CHECK(ntm::is_out_of_memory(e));
  }
  try {
    ntm::translate_out_of_memory("the LM forward pass", "lower --batch-tokens (now 8192)", []() -> int {
      TORCH_CHECK_WITH(OutOfMemoryError, false, "CUDA out of memory. Tried to allocate 2.00 GiB\nstack line");
      return 0;
    });
    FAIL("no error");
  } catch (const ntm::Error& e) {
    CHECK(e.exit_code() == 2);
    const std::string m = e.what();
    CHECK(m.find("the LM forward pass ran out of device memory; lower --batch-tokens (now 8192)") != std::string::npos);
    CHECK(m.find("stack line") == std::string::npos);
  }
  // Other exceptions pass through unchanged.
  CHECK_THROWS_AS(ntm::translate_out_of_memory("x", "y", []() -> int { throw std::logic_error("other"); }),
                  std::logic_error);
}

TEST_CASE("build-labels and lm-run exit 2 on a device out-of-memory error, naming --batch-tokens", "[e2e][device]") {
  TempDir dir;
  ntm::write_file_atomic(dir / "c.tsv", "text\tlabel\nmarket prices rose\ta\nthe team won\tb\n");
  auto bl = ntm::test::run_command("NTM_FAULT_OOM=1 " + q(NTM_BINARY) + " build-labels --corpus " + q(dir / "c.tsv") +
                                   " --model " + q(source_path("data/tiny-lm")) + " --vocab-size 5 --batch-tokens 300" +
                                   " --out " + q(dir / "labels"));
  INFO(bl.output);
  CHECK(bl.exit_code == 2);
  CHECK(bl.output.find("ran out of device memory; lower --batch-tokens (now 300)") != std::string::npos);
  CHECK(bl.output.find("internal error") == std::string::npos);
  ntm::write_file_atomic(dir / "ids.jsonl", "[1, 2, 3]\n[4, 5]\n");
  auto lr = ntm::test::run_command("NTM_FAULT_OOM=1 " + q(NTM_BINARY) + " lm-run --model " +
                                   q(source_path("data/tiny-lm")) + " --input " + q(dir / "ids.jsonl") + " --out " +
                                   q(dir / "out.safetensors"));
  INFO(lr.output);
  CHECK(lr.exit_code == 2);
  CHECK(lr.output.find("lower --batch-tokens") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out.safetensors"));
}

TEST_CASE("a checkpoint whose RNG state is labelled cuda resumes on CPU", "[e2e][device][reliability]") {
  TempDir dir;
  ntm::test::store::write_store(dir / "store", {24, 16});
  const std::string common = "train --config " + q(source_path("configs/tiny.json")) + " --labels " +
                             q(dir / "store") + " --device cpu --threads 1 --seeds 0";
  auto first = run_ntm(common + " --epochs 2 --out " + q(dir / "run"));
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const std::string ckpt = dir / "run/seed-0/checkpoint.safetensors";
  // As a CUDA run writes it: the noise generator's Philox state (seed + offset, 16 bytes) under
  // rng.noise.cuda, re-signed.
  auto meta = ntm::st::File::open(ckpt)->header().metadata;
  auto tensors = ntm::st::load_all(ckpt);
  bool relabelled = false;
  for (auto& [name, t] : tensors)
    if (name == "rng.noise.cpu") {
      name = "rng.noise.cuda";
      t = torch::zeros({16}, torch::kUInt8);
      relabelled = true;
    }
  REQUIRE(relabelled);
  ntm::st::save(ckpt, tensors, meta);
  for (auto& [k, v] : meta)
    if (k == "sha256") v = ntm::topic::checkpoint_sha256(ckpt);
  ntm::st::save(ckpt, tensors, meta);

  auto resumed = run_ntm(common + " --epochs 3 --resume --out " + q(dir / "run"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.output.find("resuming after epoch 2") != std::string::npos);
  CHECK(resumed.output.find("written on another kind of device") != std::string::npos);
  CHECK(resumed.output.find("damaged") == std::string::npos);
  CHECK(std::filesystem::exists(dir / "run/seed-0/topics.json"));
}
