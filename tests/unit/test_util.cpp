#include "test_util.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "ntm/error.h"

namespace ntm::test {

RunResult run_ntm(const std::string& args) {
  return run_command(std::string("NTM_LOG_LEVEL=info '") + NTM_BINARY + "' " + args);
}

RunResult run_command(const std::string& shell_command) {
  std::string cmd = "(" + shell_command + ") 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, out};
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ntm::Error& e) {
    return e.what();
  }
  return "";
}

void write_random_corpus(const std::string& path, int n, uint32_t seed, bool two_labels) {
  const char* words[] = {"market", "prices", "rose", "bank", "rates", "game", "team", "won", "season",
                         "coach", "software", "update", "linux", "kernel", "driver", "the"};
  std::ofstream out(path, std::ios::binary);
  out << "text\tlabel\n";
  uint32_t s = seed;
  for (int i = 0; i < n; ++i) {
    int len = 4 + i * 5 % 30;
    for (int j = 0; j < len; ++j) {
      s = s * 1103515245u + 12345u;
      out << (j ? " " : "") << words[(s >> 16) % 16];
    }
    out << "\t" << (two_labels && i % 3 == 0 ? "y" : "x") << "\n";
  }
}

}  // namespace ntm::test
