#pragma once
// The body of the run-directory harness (fuzz_run_dir.cpp), shared with
// tests/unit/fuzz_regressions_test.cpp. It fuzzes what `ntm eval`, `ntm infer` and `ntm compare`
// load from a run directory written by `ntm train`:
//   runs/x/meta.json, runs/x/seed-0/{meta.json, topics.json, theta.safetensors, beta.safetensors,
//   model.safetensors} and an eval directory's metrics.json (what compare reads).
// Input: those seven files in that order, separated by "\n--ntm-file--\n"; an empty part means the
// file is absent. Only ntm::Error may come out of the commands' library functions.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "../unit/label_store_test_util.h"
#include "fuzz_util.h"
#include "ntm/error.h"
#include "ntm/eval/compare.h"
#include "ntm/eval/evaluate.h"
#include "ntm/topic/run.h"

namespace ntm::fuzz {

inline const char* const kRunDirFiles[] = {"meta.json",
                                           "seed-0/meta.json",
                                           "seed-0/topics.json",
                                           "seed-0/theta.safetensors",
                                           "seed-0/beta.safetensors",
                                           "seed-0/model.safetensors",
                                           "eval/metrics.json"};
inline const std::string kRunDirSeparator = "\n--ntm-file--\n";

// The label store every run of the seeds was trained on (tests/unit/label_store_test_util.h: 40
// documents, V = 6, H = 5), written once per process. fuzz.sh trains the seed run on a copy made
// by NTM_FUZZ_WRITE_STORE=dir fuzz_run_dir, so the vocabulary hashes match.
inline void write_run_dir_store(const std::string& dir) { ntm::test::store::write_store(dir, {24, 16}); }
inline const std::string& run_dir_store() {
  static const std::string dir = [] {
    spdlog::set_level(spdlog::level::off);
    std::string d = scratch_dir() + "/run-store";
    std::error_code ec;
    std::filesystem::remove_all(d, ec);
    write_run_dir_store(d);
    return d;
  }();
  return dir;
}

inline void run_run_dir(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  const std::string& store = run_dir_store();
  const std::string root = scratch_dir() + "/run";
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root + "/run/seed-0");
  fs::create_directories(root + "/eval");
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t pos = 0;
  for (const char* name : kRunDirFiles) {
    if (pos > in.size()) break;
    size_t cut = in.find(kRunDirSeparator, pos);
    std::string part = in.substr(pos, cut == std::string::npos ? std::string::npos : cut - pos);
    pos = cut == std::string::npos ? in.size() + 1 : cut + kRunDirSeparator.size();
    if (part.empty()) continue;
    std::string path = std::string(name).rfind("eval/", 0) == 0 ? root + "/" + name : root + "/run/" + name;
    write_bytes(path, reinterpret_cast<const uint8_t*>(part.data()), part.size());
  }
  // ntm eval on the run set and on the seed directory (no coherence: no reference corpus).
  for (const std::string& run : {root + "/run", root + "/run/seed-0"}) {
    try {
      ntm::eval::EvalOptions o;
      o.run = run;
      o.metrics = "diversity,clustering,retrieval";
      o.out = root + "/eval-out";
      ntm::eval::run_eval(o, "cpu");
    } catch (const ntm::Error&) {
    }
  }
  // ntm infer with the seed's model on the store it was trained on.
  try {
    ntm::topic::InferOptions o;
    o.run = root + "/run/seed-0";
    o.labels = store;
    o.out = root + "/theta-out.safetensors";
    o.validate();
    ntm::topic::run_infer(o, "cpu", 0);
  } catch (const ntm::Error&) {
  }
  // ntm compare on the eval directory.
  try {
    ntm::eval::CompareOptions o;
    o.dirs = {root + "/eval"};
    ntm::eval::compare_table(o);
  } catch (const ntm::Error&) {
  }
}

}  // namespace ntm::fuzz
