#include "test_util.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

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

}  // namespace ntm::test
