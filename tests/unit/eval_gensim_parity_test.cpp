// CI-sized run of scripts/check-coherence-vs-gensim.py: ntm's gensim flavour vs gensim itself on
// the first 300 documents of 20 Newsgroups (the full run, by hand, also covers StackOverflow). Skips (with a WARN) when
// $NTM_DATA_DIR is unset or /usr/bin/python3 cannot import gensim.
#include <sys/wait.h>

#include <cstdlib>

#include "catch.h"
#include "test_util.h"

TEST_CASE("Coherence parity with gensim on real corpora (small)", "[golden][eval]") {
  const std::string data = ntm::test::data_dir();
  if (data.empty()) {
    WARN("NTM_DATA_DIR unset: skipping the gensim parity check");
    return;
  }
  if (std::system("/usr/bin/python3 -c 'import gensim' >/dev/null 2>&1") != 0) {
    WARN("/usr/bin/python3 cannot import gensim: skipping the gensim parity check");
    return;
  }
  const std::string cmd = "NTM_DATA_DIR='" + data + "' /usr/bin/python3 '" +
                          ntm::test::source_path("scripts/check-coherence-vs-gensim.py") + "' --small --datasets 20newsgroups/train.tsv --ntm '" +
                          NTM_BINARY + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  INFO(out);
  if (code == 77) {
    WARN("gensim parity check skipped: " << out);
    return;
  }
  CHECK(code == 0);
}
