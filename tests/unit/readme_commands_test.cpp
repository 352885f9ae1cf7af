// Every shell command in the fenced code blocks of README.md and docs/*.md that calls ntm must name
// a real subcommand and only flags that subcommand (or ntm itself, for global flags) accepts, and
// every scripts/... path a block mentions must exist. Help texts come from the built binary.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "catch.h"
#include "test_util.h"

using ntm::test::run_ntm;
using ntm::test::source_path;

namespace {

struct Command {
  int line;            // line of the command's first line in its file
  std::string text;    // the command with continuation lines joined
};

// Fenced blocks tagged sh/bash/shell (or untagged); "\"-continued lines are joined.
std::vector<Command> readme_commands(const std::string& path) {
  std::ifstream in(path);
  std::vector<Command> out;
  std::string line, pending;
  int n = 0, pending_line = 0;
  bool in_block = false, shell = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("```", 0) == 0) {
      if (!in_block) {
        std::string tag = line.substr(3);
        shell = tag.empty() || tag == "sh" || tag == "bash" || tag == "shell" || tag == "console";
      }
      in_block = !in_block;
      continue;
    }
    if (!in_block || !shell) continue;
    if (pending.empty()) pending_line = n;
    std::string body = line;
    if (!body.empty() && body[0] == '$') body = body.substr(1);
    if (!body.empty() && body.back() == '\\') {
      pending += body.substr(0, body.size() - 1) + " ";
      continue;
    }
    pending += body;
    out.push_back({pending_line, pending});
    pending.clear();
  }
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> w;
  std::string x;
  while (is >> x) w.push_back(x);
  return w;
}

// "--flag" names a CLI option in a --help text when it appears as "--flag" followed by a
// non-name character.
bool help_has(const std::string& help, const std::string& flag) {
  std::regex re(std::regex_replace(flag, std::regex(R"([-])"), R"(\-)") + R"(([^A-Za-z0-9_-]|$))");
  return std::regex_search(help, re);
}

// Checks one shell command line: `scripts/...` paths exist; `ntm [global flags] SUB [flags]` names
// a subcommand listed by `ntm --help` and flags that it (or ntm itself) accepts. Returns the
// number of subcommand flags checked.
int check_command_line(const std::string& line_in, const std::string& where, const std::string& global_help,
                       std::map<std::string, std::string>& sub_help) {
  std::string text = line_in.substr(0, line_in.find(" #"));
  if (!text.empty() && text[0] == '#') return 0;
  int checked = 0;
  std::istringstream is(std::regex_replace(text, std::regex(R"(\|\||&&|\||;)"), "\n"));
  std::string seg;
  while (std::getline(is, seg)) {
    auto w = words(seg);
    size_t i = 0;
    while (i < w.size() && w[i].find('=') != std::string::npos && w[i][0] != '-') ++i;  // VAR=x prefixes
    if (i >= w.size()) continue;
    const std::string& prog = w[i];
    if (prog.rfind("scripts/", 0) == 0) {
      INFO(where);
      CHECK(std::ifstream(source_path(prog)).good());
      continue;
    }
    if (!(prog == "ntm" || (prog.size() > 4 && prog.substr(prog.size() - 4) == "/ntm"))) continue;
    size_t j = i + 1;  // global flags, then the subcommand
    for (; j < w.size() && w[j].rfind("--", 0) == 0; ++j) {
      std::string flag = w[j].substr(0, w[j].find('='));
      INFO(where << "\nglobal flag " << flag);
      CHECK(help_has(global_help, flag));
      if (w[j].find('=') == std::string::npos && flag != "--help" && flag != "--version") ++j;  // its value
    }
    if (j >= w.size()) continue;
    const std::string sub = w[j];
    if (!sub_help.count(sub)) {
      auto r = run_ntm(sub + " --help");
      INFO(where << "\n`ntm " << sub << "` is not a subcommand\n" << r.output);
      CHECK(r.exit_code == 0);
      CHECK(std::regex_search(global_help, std::regex("\\n +" + sub + " ")));  // listed by `ntm --help`
      sub_help[sub] = r.output;
    }
    for (size_t k = j + 1; k < w.size(); ++k) {
      if (w[k].rfind("--", 0) != 0 || w[k] == "--") continue;
      std::string flag = w[k].substr(0, w[k].find('='));
      INFO(where << "\n`ntm " << sub << "` has no flag " << flag);
      CHECK((help_has(sub_help[sub], flag) || help_has(global_help, flag)));
      ++checked;
    }
  }
  return checked;
}

}  // namespace

// README.md and every docs/*.md, as paths relative to the source tree.
static std::vector<std::string> documentation_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(source_path("docs")))
    if (e.path().extension() == ".md") files.push_back("docs/" + e.path().filename().string());
  std::sort(files.begin(), files.end());
  files.insert(files.begin(), "README.md");
  return files;
}

TEST_CASE("README and docs: every ntm command and flag in a shell block exists", "[unit][docs]") {
  const std::string global_help = run_ntm("--help").output;
  std::map<std::string, std::string> sub_help;
  size_t commands = 0;
  int checked = 0;
  for (const auto& file : documentation_files()) {
    for (const auto& c : readme_commands(source_path(file))) {
      checked += check_command_line(c.text, file + ":" + std::to_string(c.line) + ": " + c.text, global_help, sub_help);
      ++commands;
    }
  }
  CHECK(commands > 10);
  CHECK(checked > 30);
}

TEST_CASE("every subcommand's --help ends with examples that use real flags", "[unit][docs]") {
  const std::string global_help = run_ntm("--help").output;
  std::map<std::string, std::string> sub_help;
  std::regex listed(R"(\n  ([a-z][a-z-]+) {2,})");
  std::vector<std::string> subs;
  const std::string after = global_help.substr(global_help.find("Subcommands:"));
  for (std::sregex_iterator it(after.begin(), after.end(), listed), end; it != end; ++it) subs.push_back((*it)[1]);
  REQUIRE(subs.size() >= 10);
  for (const auto& sub : subs) {
    auto help = run_ntm(sub + " --help").output;
    auto at = help.find("Examples:");
    INFO("`ntm " << sub << " --help` has no Examples: section");
    REQUIRE(at != std::string::npos);
    // Lines of the examples; a trailing backslash continues the command.
    std::istringstream is(help.substr(at));
    std::string line, cmd;
    int n = 0;
    while (std::getline(is, line)) {
      if (!line.empty() && line.back() == '\\') {
        cmd += line.substr(0, line.size() - 1);
        continue;
      }
      cmd += line;
      if (cmd.find("ntm ") != std::string::npos) {
        check_command_line(cmd.substr(cmd.find_first_not_of(' ')), "`ntm " + sub + " --help` example: " + cmd,
                           global_help, sub_help);
        ++n;
      }
      cmd.clear();
    }
    CHECK(n >= 1);
  }
}
