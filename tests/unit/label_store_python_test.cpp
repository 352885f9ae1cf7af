// The label store is readable from Python: scripts/read-label-store.py (numpy only) reads a store
// written by the C++ writer, and the values it prints match the closed-form test values.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "catch.h"
#include "skip.h"
#include "label_store_test_util.h"
#include "test_util.h"

using namespace ntm::test::store;
using ntm::test::TempDir;

namespace {

int run_shell(const std::string& cmd, std::string& out) {
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  size_t n;
  out.clear();
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// The numbers printed after "row D <what> ".
std::vector<double> values(const std::string& out, const std::string& prefix) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix + " ", 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size() + 1));
    std::vector<double> v;
    std::string tok;
    while (fields >> tok) {
      auto colon = tok.find(':');
      if (colon != std::string::npos) {
        v.push_back(std::stod(tok.substr(0, colon)));
        v.push_back(std::stod(tok.substr(colon + 1)));
      } else {
        v.push_back(std::stod(tok));
      }
    }
    return v;
  }
  return {};
}

}  // namespace

TEST_CASE("python + numpy read a label store written by ntm", "[e2e][store]") {
  std::string probe;
  if (!std::filesystem::exists("/usr/bin/python3") ||
      run_shell("/usr/bin/python3 -c 'import numpy'", probe) != 0)
    NTM_SKIP("/usr/bin/python3 with numpy not available (Debian package python3-numpy)");
  TempDir tmp;
  std::string dir = tmp / "labels";
  write_store(dir, {3, 2, 4}, "bfloat16");
  std::string out;
  int rc = run_shell("/usr/bin/python3 '" + ntm::test::source_path("scripts/read-label-store.py") + "' '" + dir +
                         "' --row 4 --row 6",
                     out);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("documents 9  V 6  H 5 (bfloat16)  chunks 3  labels 3") != std::string::npos);
  CHECK(out.find("tensor soft_labels float32 [9, 6]") != std::string::npos);
  CHECK(out.find("tensor hidden float32 [9, 5]") != std::string::npos);
  CHECK(out.find("tensor bow_indptr int64 [10]") != std::string::npos);
  for (int64_t d : {4, 6}) {
    std::string p = "row " + std::to_string(d);
    auto soft = values(out, p + " soft_labels");
    REQUIRE(soft.size() == kV);
    for (int64_t v = 0; v < kV; ++v) CHECK(soft[v] == soft_value(d, v));
    auto hidden = values(out, p + " hidden");
    REQUIRE(hidden.size() == kH);
    for (int64_t h = 0; h < kH; ++h) CHECK(hidden[h] == hidden_value(d, h));
    auto bow = values(out, p + " bow");
    auto expected = bow_row(d);
    REQUIRE(bow.size() == 2 * expected.size());
    for (size_t k = 0; k < expected.size(); ++k) {
      CHECK(bow[2 * k] == expected[k].first);
      CHECK(bow[2 * k + 1] == expected[k].second);
    }
    CHECK(out.find(p + " doc_index " + std::to_string(d) + " label " + std::to_string(label_value(d))) !=
          std::string::npos);
  }
  // A corrupted chunk is refused by the script as well.
  {
    std::FILE* f = std::fopen((dir + "/chunk-00002.safetensors").c_str(), "r+b");
    REQUIRE(f);
    std::fseek(f, -2, SEEK_END);
    int c = std::fgetc(f);
    std::fseek(f, -2, SEEK_END);
    std::fputc(c ^ 0xff, f);
    std::fclose(f);
  }
  rc = run_shell("/usr/bin/python3 '" + ntm::test::source_path("scripts/read-label-store.py") + "' '" + dir + "'", out);
  CHECK(rc == 2);
  CHECK(out.find("sha256 does not match") != std::string::npos);
}
