// The documentation's shape: README.md is short, starts with the two commands and links every
// docs/ page; every docs page says who it is for; relative links and their #anchors resolve; and
// docs/cli.md is exactly what scripts/gen-cli-docs.sh makes from the built binary's --help.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catch.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::source_path;

namespace {

// Pages other branches add at the same time; a link to one of them is accepted while the file is
// absent. Remove an entry once its page is in the tree.
const std::set<std::string> kPendingPages = {};

std::vector<std::string> docs_pages() {
  std::vector<std::string> pages;
  for (const auto& e : std::filesystem::directory_iterator(source_path("docs")))
    if (e.path().extension() == ".md") pages.push_back("docs/" + e.path().filename().string());
  std::sort(pages.begin(), pages.end());
  return pages;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// GitHub's anchor for a heading: lower case, punctuation other than '-' and '_' dropped, spaces
// turned into '-'. Non-ASCII bytes are kept.
std::string slug(const std::string& heading) {
  std::string s;
  for (unsigned char c : heading) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_') s += static_cast<char>(std::tolower(c));
    else if (c == ' ') s += '-';
  }
  return s;
}

// The anchors of a Markdown file's headings (fenced blocks skipped; repeated headings get -1, -2).
std::set<std::string> anchors(const std::string& text) {
  std::set<std::string> out;
  std::map<std::string, int> seen;
  bool fenced = false;
  for (const auto& l : lines_of(text)) {
    if (l.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced || l.empty() || l[0] != '#') continue;
    const size_t start = l.find_first_not_of('#');
    if (start == std::string::npos || l[start] != ' ') continue;
    const std::string s = slug(l.substr(start + 1));
    const int n = seen[s]++;
    out.insert(n == 0 ? s : s + "-" + std::to_string(n));
  }
  return out;
}

// Relative Markdown links [text](target) outside fenced blocks.
std::vector<std::string> relative_links(const std::string& text) {
  std::vector<std::string> out;
  const std::regex link(R"(\]\(([^)\s]+)\))");
  bool fenced = false;
  for (const auto& l : lines_of(text)) {
    if (l.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced) continue;
    for (std::sregex_iterator it(l.begin(), l.end(), link), end; it != end; ++it) {
      const std::string target = (*it)[1];
      if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
      out.push_back(target);
    }
  }
  return out;
}

// "docs/../README.md" -> "README.md", relative to the source tree.
std::string normalise(const std::string& from_file, const std::string& target) {
  auto p = (std::filesystem::path(from_file).parent_path() / target).lexically_normal();
  return p.generic_string();
}

}  // namespace

TEST_CASE("README: short, the two commands first, a link to every docs page", "[unit][docs]") {
  const std::string readme = ntm::read_file(source_path("README.md"));
  // A five-minute page; 14 KiB leaves room for the real-LM and peer tables (issues 18, 19).
  CHECK(readme.size() <= 14 * 1024);
  const auto lines = lines_of(readme);
  std::string first;
  for (size_t i = 0; i < std::min<size_t>(60, lines.size()); ++i) first += lines[i] + "\n";
  CHECK(first.find("scripts/quickstart.sh") != std::string::npos);
  CHECK(first.find("scripts/test.sh") != std::string::npos);
  std::set<std::string> linked;
  for (const auto& t : relative_links(readme)) linked.insert(normalise("README.md", t.substr(0, t.find('#'))));
  const auto pages = docs_pages();
  CHECK(pages.size() >= 8);
  for (const auto& page : pages) {
    INFO("README.md does not link " << page);
    CHECK(linked.count(page) == 1);
  }
  for (const auto& page : kPendingPages) {
    INFO("README.md does not link " << page);
    CHECK(linked.count(page) == 1);
  }
}

TEST_CASE("docs: every page starts by saying who it is for", "[unit][docs]") {
  for (const auto& page : docs_pages()) {
    const auto lines = lines_of(ntm::read_file(source_path(page)));
    INFO(page << ": expected a '# Title' line, then a sentence saying who the page is for");
    REQUIRE(lines.size() > 1);
    CHECK(lines[0].rfind("# ", 0) == 0);
    size_t i = 1;
    while (i < lines.size() && lines[i].empty()) ++i;
    REQUIRE(i < lines.size());
    std::string intro = lines[i];
    std::transform(intro.begin(), intro.end(), intro.begin(), [](unsigned char c) { return std::tolower(c); });
    CHECK(intro.find("for ") != std::string::npos);
  }
}

TEST_CASE("README and docs: relative links and their anchors resolve", "[unit][docs]") {
  std::vector<std::string> files = docs_pages();
  files.insert(files.begin(), "README.md");
  int checked = 0;
  for (const auto& file : files) {
    const std::string text = ntm::read_file(source_path(file));
    for (const auto& target : relative_links(text)) {
      const size_t hash = target.find('#');
      const std::string path = hash == 0 ? file : normalise(file, target.substr(0, hash));
      INFO(file << " links " << target << " (" << path << ")");
      if (!std::filesystem::exists(source_path(path))) {
        CHECK(kPendingPages.count(path) == 1);
        continue;
      }
      ++checked;
      if (hash == std::string::npos || path.size() < 3 || path.substr(path.size() - 3) != ".md") continue;
      CHECK(anchors(ntm::read_file(source_path(path))).count(target.substr(hash + 1)) == 1);
    }
  }
  CHECK(checked > 30);
}

TEST_CASE("docs/cli.md is what scripts/gen-cli-docs.sh generates from --help", "[unit][docs]") {
  auto r = ntm::test::run_command("NTM=" + ntm::test::q(NTM_BINARY) + " " +
                                  ntm::test::q(source_path("scripts/gen-cli-docs.sh")) + " --stdout");
  REQUIRE(r.exit_code == 0);
  const std::string committed = ntm::read_file(source_path("docs/cli.md"));
  INFO("docs/cli.md is stale: run scripts/gen-cli-docs.sh and commit the result");
  CHECK(r.output == committed);
}
