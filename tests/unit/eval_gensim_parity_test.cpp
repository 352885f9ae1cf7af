// CI-sized runs of scripts/check-coherence-vs-gensim.py: ntm's gensim flavour vs gensim itself on
// the first 300 documents of 20 Newsgroups (the full run, by hand, also covers StackOverflow), with
// Debian's gensim 4.2 (/usr/bin/python3) and with gensim 4.4.0 from PyPI (the references venv of
// scripts/setup-references.sh). Skips (NTM_SKIP) when $NTM_DATA_DIR is unset or the interpreter
// or its gensim is missing.
#include <cstdlib>
#include <filesystem>

#include "catch.h"
#include "skip.h"
#include "test_util.h"

namespace {

// The Python with the PyPI references (scripts/setup-references.sh): $NTM_PYTHON, else the repo's
// .venv/bin/python; "" when neither exists.
std::string reference_python() {
  const char* p = std::getenv("NTM_PYTHON");
  if (p && *p) return p;
  std::string venv = ntm::test::source_path(".venv/bin/python");
  return std::filesystem::exists(venv) ? venv : "";
}

void check_with(const std::string& python, const std::string& what) {
  const std::string data = ntm::test::data_dir();
  if (data.empty()) NTM_SKIP("NTM_DATA_DIR unset (the shared corpora)");
  if (python.empty()) NTM_SKIP("no references venv: run scripts/setup-references.sh (or set NTM_PYTHON)");
  if (std::system((ntm::test::q(python) + " -c 'import gensim' >/dev/null 2>&1").c_str()) != 0)
    NTM_SKIP(python << " cannot import gensim (" << what << ")");
  const std::string cmd = "NTM_DATA_DIR=" + ntm::test::q(data) + " " + ntm::test::q(python) + " " +
                          ntm::test::q(ntm::test::source_path("scripts/check-coherence-vs-gensim.py")) +
                          " --small --datasets 20newsgroups/train.tsv --ntm " + ntm::test::q(NTM_BINARY);
  auto r = ntm::test::run_command(cmd);
  INFO(r.output);
  if (r.exit_code == 77) NTM_SKIP("check-coherence-vs-gensim.py: " << r.output);
  CHECK(r.exit_code == 0);
}

}  // namespace

TEST_CASE("Coherence parity with gensim on real corpora (small)", "[golden][eval]") {
  check_with("/usr/bin/python3", "Debian package python3-gensim");
}

TEST_CASE("Coherence parity with gensim 4.4.0 from PyPI on real corpora (small)", "[golden][eval]") {
  check_with(reference_python(), "scripts/requirements/references.txt pins gensim==4.4.0");
}
