// End-to-end `ntm eval` / `ntm compare` on a hand-made two-seed run directory, and report.html
// structure (well-formed markup, one topic chart per topic).
#include <torch/torch.h>

#include <fstream>
#include <regex>

#include "catch.h"
#include "ntm/error.h"
#include "ntm/eval/evaluate.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "test_util.h"

using ntm::test::run_ntm;
using ntm::test::TempDir;

namespace {

void write(const std::string& path, const std::string& text) { ntm::write_file_atomic(path, text); }

// Two seeds, K = 2 topics, 3 documents with labels [0, 1, 1].
// seed-0: θ argmax [0, 0, 1]; seed-1: θ argmax [0, 1, 1] (perfect).
void make_run(const std::string& dir) {
  ntm::make_dirs(dir);
  write(dir + "/meta.json", R"({"format":"ntm-run","model":"toy","seeds":[0,1]})");
  const char* topics[] = {
      R"({"format":"ntm-topics","num_topics":2,"top_n":3,"topics":[["game","team","play"],["cpu","disk","team"]]})",
      R"({"format":"ntm-topics","num_topics":2,"top_n":3,"topics":[["game","team","play"],["cpu","disk","memory"]]})"};
  const std::vector<std::vector<float>> thetas = {{0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f},
                                                  {0.9f, 0.1f, 0.2f, 0.8f, 0.3f, 0.7f}};
  for (int s = 0; s < 2; ++s) {
    const std::string sd = dir + "/seed-" + std::to_string(s);
    ntm::make_dirs(sd);
    write(sd + "/topics.json", topics[s]);
    auto theta = torch::tensor(thetas[s]).view({3, 2});
    ntm::st::save(sd + "/theta.safetensors", {{"theta", theta},
                                              {"doc_index", torch::tensor({0, 1, 2}, torch::kInt64)},
                                              {"labels", torch::tensor({0, 1, 1}, torch::kInt64)}});
    auto beta = torch::tensor({0.5f, 0.3f, 0.2f, 0.0f, 0.0f, 0.0f, 0.0f, 0.1f, 0.0f, 0.5f, 0.3f, 0.1f}).view({2, 6});
    ntm::st::save(sd + "/beta.safetensors", {{"beta", beta}});
  }
}

// Minimal well-formedness check: every non-void element closed in order.
bool well_formed(const std::string& html, std::string& why) {
  std::vector<std::string> stack;
  std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>)");
  const std::string body = html.substr(html.find("<html"));
  for (auto it = std::sregex_iterator(body.begin(), body.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[2], attrs = (*it)[3];
    if ((*it)[1] == "/") {
      if (stack.empty() || stack.back() != name) {
        why = "unexpected </" + name + "> (open: " + (stack.empty() ? "none" : stack.back()) + ")";
        return false;
      }
      stack.pop_back();
    } else if (attrs.empty() || attrs.back() != '/') {
      stack.push_back(name);
    }
  }
  if (!stack.empty()) why = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("ntm eval scores a two-seed run and writes metrics.json and report.html", "[e2e][eval]") {
  TempDir tmp;
  make_run(tmp / "run");
  write(tmp / "ref.txt", "game team play game\nteam play\ncpu disk memory\ncpu disk team\n\n");
  auto r = run_ntm("eval --run " + tmp / "run" + " --reference-corpus " + tmp / "ref.txt" +
                   " --reference-format tokens --top-n 3 --window-pmi 0 --report --out " + tmp / "ev");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("mean ± std") != std::string::npos);
  auto m = ntm::load_json_file(tmp / "ev/metrics.json");
  REQUIRE(m["seeds"].size() == 2);
  // seed-0: words {game team play cpu disk} -> TD = 5/6; seed-1: 6/6.
  CHECK(m["seeds"][0]["metrics"]["topic_diversity"].get<double>() == Approx(5.0 / 6));
  CHECK(m["seeds"][1]["metrics"]["topic_diversity"].get<double>() == Approx(1.0));
  CHECK(m["aggregate"]["topic_diversity"]["mean"].get<double>() == Approx(11.0 / 12));
  CHECK(m["aggregate"]["topic_diversity"]["std"].get<double>() == Approx(1.0 / 12));  // population std
  // Purity: seed-0 2/3 (see eval_clustering_test), seed-1 1.
  CHECK(m["seeds"][0]["metrics"]["purity"].get<double>() == Approx(2.0 / 3));
  CHECK(m["seeds"][1]["metrics"]["purity"].get<double>() == Approx(1.0));
  CHECK(m["seeds"][0]["metrics"]["precision@1"].get<double>() == Approx(1.0 / 3));
  // Whole-document NPMI of seed-1 topic 1 {cpu, disk, memory}: 4 documents... checked by settings only;
  // every coherence number carries its settings and the reference hash.
  REQUIRE(m["metric_settings"].contains("c_v"));
  CHECK(m["metric_settings"]["c_npmi"]["window"] == "document");
  CHECK(m["metric_settings"]["c_v"]["reference_sha256"].get<std::string>().size() == 64);
  CHECK(m["seeds"][0]["coherence_per_topic"]["c_v"].size() == 2);
  CHECK(m["seeds"][0]["topic_sizes"] == nlohmann::json::array({2, 1}));

  const std::string html = ntm::read_file(tmp / "ev/report.html");
  std::string why;
  CHECK(well_formed(html, why));
  INFO(why);
  CHECK(count(html, "<svg class=\"topic-chart\"") == 2);
  CHECK(count(html, "<svg") == 5);  // 2 topics + sizes + map + heat map
  CHECK(html.find("http://www.w3.org/2000/svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=\"http") == std::string::npos);

  // compare: one row per eval directory.
  auto r2 = run_ntm("eval --run " + tmp / "run" + " --metrics diversity --top-n 3 --out " + tmp / "ev2");
  REQUIRE(r2.exit_code == 0);
  auto c = run_ntm("compare " + tmp / "ev" + " " + tmp / "ev2" + " --format markdown");
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  CHECK(c.output.find("| run") != std::string::npos);
  CHECK(c.output.find("0.917 ± 0.083") != std::string::npos);
  CHECK(count(c.output, "(toy)") == 2);
}

TEST_CASE("ntm eval: labels and text-format reference from a TSV corpus", "[e2e][eval]") {
  TempDir tmp;
  make_run(tmp / "run");
  // Three rows; text is run through the word filter (sentence-initial and capitalised words drop).
  write(tmp / "corpus.tsv",
        "text\tlabel\nWe saw the game and the team play a game.\tsport\n"
        "Our team will play the game again.\ttech\nThe cpu and the disk and memory failed.\ttech\n");
  auto r = run_ntm("eval --run " + tmp / "run" + " --corpus " + tmp / "corpus.tsv" +
                   " --top-n 3 --metrics clustering,c_npmi --window-pmi 0 --out " + tmp / "ev");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto m = ntm::load_json_file(tmp / "ev/metrics.json");
  CHECK(m["settings"]["coherence"]["reference"]["documents"] == 3);
  CHECK(m["settings"]["coherence"]["reference"]["format"] == "text");
  // Labels from the corpus: [sport, tech, tech] = ids [0, 1, 1] -> seed-0 purity 2/3.
  CHECK(m["seeds"][0]["metrics"]["purity"].get<double>() == Approx(2.0 / 3));
  CHECK(m["seeds"][0]["label_names"] == nlohmann::json::array({"sport", "tech"}));
  // Whole-document NPMI of {cpu, disk, memory} (seed-1 topic 1): each pair co-occurs in the one
  // document holding all three, p = 1/3: npmi = log((1/3 + eps) / (1/9)) / -log(1/3 + eps) = 1.
  CHECK(m["seeds"][1]["coherence_per_topic"]["c_npmi"][1].get<double>() == Approx(1.0).margin(1e-9));
}

TEST_CASE("ntm eval with loose files and bad inputs", "[e2e][eval]") {
  TempDir tmp;
  write(tmp / "topics.txt", "a b c\nd e f\n");
  ntm::st::save(tmp / "theta.safetensors", {{"theta", torch::tensor({0.9f, 0.1f, 0.2f, 0.8f}).view({2, 2})}});
  write(tmp / "labels.txt", "x\ny\n");
  auto r = run_ntm("eval --topics " + tmp / "topics.txt" + " --theta " + tmp / "theta.safetensors" +
                   " --labels-file " + tmp / "labels.txt" + " --top-n 3 --metrics diversity,clustering --out " + tmp / "ev");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto m = ntm::load_json_file(tmp / "ev/metrics.json");
  CHECK(m["seeds"][0]["metrics"]["purity"].get<double>() == 1.0);
  CHECK(m["seeds"][0]["metrics"]["topic_diversity"].get<double>() == 1.0);
}

TEST_CASE("ntm eval rejects bad inputs with one line naming the problem", "[e2e][eval]") {
  TempDir tmp;
  write(tmp / "topics.txt", "a b c\nd e f\n");
  ntm::st::save(tmp / "theta.safetensors", {{"theta", torch::tensor({0.9f, 0.1f, 0.2f, 0.8f}).view({2, 2})}});
  auto missing = run_ntm("eval --run " + tmp / "nope" + " --out " + tmp / "ev3");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("meta.json") != std::string::npos);
  auto coh = run_ntm("eval --topics " + tmp / "topics.txt" + " --metrics c_v --out " + tmp / "ev4");
  CHECK(coh.exit_code == 2);
  CHECK(coh.output.find("reference corpus") != std::string::npos);
  write(tmp / "bad_topics.txt", "a b c\n");
  auto shape = run_ntm("eval --topics " + tmp / "bad_topics.txt" + " --theta " + tmp / "theta.safetensors" + " --out " + tmp / "ev5");
  CHECK(shape.exit_code == 2);
  CHECK(shape.output.find("topic columns") != std::string::npos);
}

TEST_CASE("EvalOptions validation names the flag", "[unit][eval]") {
  ntm::eval::EvalOptions o;
  CHECK_THROWS_WITH(o.validate(), Catch::Contains("--run"));  // neither --run nor --topics
  o.run = "x";
  o.topics = "y";
  CHECK_THROWS_AS(o.validate(), ntm::Error);
  o.topics = "";
  o.coherence_flavour = "mallet";
  CHECK_THROWS_WITH(o.validate(), Catch::Contains("--coherence-flavour"));
  o.coherence_flavour = "gensim";
  o.metrics = "diversity,bleu";
  CHECK_THROWS_WITH(o.validate(), Catch::Contains("bleu"));
  o.metrics = "diversity,c_v";
  CHECK_NOTHROW(o.validate());
}
