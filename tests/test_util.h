#pragma once
// Helpers shared by the tests: fixture paths, temp dirs, running the ntm binary.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

namespace ntm::test {

inline std::string fixture(const std::string& rel) { return std::string(NTM_TEST_FIXTURES) + "/" + rel; }
inline std::string source_path(const std::string& rel) { return std::string(NTM_SOURCE_DIR) + "/" + rel; }

// $NTM_DATA_DIR (the shared corpora) or "" when unset/missing.
inline std::string data_dir() {
  const char* d = std::getenv("NTM_DATA_DIR");
  if (!d || !*d || !std::filesystem::is_directory(d)) return "";
  return d;
}

// A fresh, empty temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ntm-test-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    if (!p) throw std::runtime_error("mkdtemp failed");
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code;
  std::string output;  // stdout + stderr
};

// `s` quoted for a POSIX shell command line.
inline std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command line, capturing stdout + stderr.
RunResult run_command(const std::string& shell_command);
// Runs the ntm binary with the given argument string (shell syntax), capturing output.
RunResult run_ntm(const std::string& args);

// The message of the ntm::Error that fn throws ("" when it throws none).
std::string error_of(const std::function<void()>& fn);

// A TSV corpus (header text<TAB>label) of n documents of 4..33 words drawn from 16 common words by
// an LCG seeded with `seed`; labels all "x", or "y" for every third document with two_labels.
void write_random_corpus(const std::string& path, int n, uint32_t seed = 7, bool two_labels = false);

}  // namespace ntm::test
