// `ntm eval --llm-rating`: the rating rule (argmax with ties to the smaller rating, expected
// value, rating mass), the command on the tiny random-weight LM, clear errors for chat
// templates the engine cannot render, and (with the asset) SmolLM2 telling coherent topics
// from random ones.
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "catch.h"
#include "ntm/eval/llm_rating.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "test_util.h"
#include "skip.h"

using ntm::test::q;
using ntm::test::run_ntm;
using ntm::test::TempDir;

namespace {

const std::vector<std::vector<std::string>> kCoherent = {
    {"game", "team", "season", "players", "hockey", "league", "win", "coach", "play", "fans"},
    {"windows", "drive", "disk", "software", "computer", "memory", "card", "system", "files", "program"},
    {"space", "nasa", "launch", "orbit", "moon", "shuttle", "earth", "satellite", "mission", "rocket"},
    {"god", "church", "faith", "bible", "jesus", "christian", "religion", "belief", "prayer", "worship"},
    {"doctor", "patients", "disease", "medical", "treatment", "health", "drug", "cancer", "hospital",
     "medicine"}};

// Topic k of the "random" set takes word k of every coherent topic, shifted: no two words share a theme.
std::vector<std::vector<std::string>> shuffled_topics() {
  std::vector<std::vector<std::string>> out(kCoherent.size());
  for (size_t w = 0; w < kCoherent[0].size(); ++w)
    for (size_t t = 0; t < kCoherent.size(); ++t) out[(t + w) % kCoherent.size()].push_back(kCoherent[t][w]);
  return out;
}

void write_topics(const std::string& path, const std::vector<std::vector<std::string>>& topics) {
  ntm::json j = {{"format", "ntm-topics"},
                 {"num_topics", topics.size()},
                 {"top_n", topics[0].size()},
                 {"topics", topics}};
  ntm::write_file_atomic(path, j.dump());
}

std::string tiny_lm() {
  return ntm::test::source_path("data/tiny-lm");
}

// A copy of the tiny LM whose tokenizer_config.json carries `chat_template`.
std::string tiny_lm_with_template(const TempDir& tmp, const std::string& chat_template) {
  const std::string dir = tmp / "lm";
  std::filesystem::create_directories(dir);
  for (const char* f : {"config.json", "model.safetensors", "tokenizer.json"})
    std::filesystem::copy_file(tiny_lm() + "/" + f, dir + "/" + f,
                               std::filesystem::copy_options::overwrite_existing);
  ntm::json cfg = ntm::load_json_file(tiny_lm() + "/tokenizer_config.json");
  cfg["chat_template"] = chat_template;
  ntm::write_file_atomic(dir + "/tokenizer_config.json", cfg.dump());
  return dir;
}

}  // namespace

TEST_CASE("LLM rating: argmax with ties to the smaller rating, expected value and rating mass",
          "[unit][eval][llm_rating]") {
  auto logits = torch::tensor({1.0f, 1.0f, 0.0f, 0.0f, 2.0f, 2.0f, 3.0f, 3.0f, 3.0f, 0.0f, 0.0f, 5.0f, -1.0f,
                               4.0f, 2.0f})
                    .view({5, 3});
  auto lse = torch::tensor({2.0f, 4.0f, 3.0f + std::log(3.0f), 6.0f, 4.5f});
  auto r = ntm::eval::ratings_from_logits(logits, lse);
  REQUIRE(r.size() == 5);
  CHECK(r[0].rating == 1);  // tie 1 = 2 -> 1
  CHECK(r[1].rating == 2);  // tie 2 = 3 -> 2
  CHECK(r[2].rating == 1);  // three-way tie -> 1
  CHECK(r[3].rating == 3);
  CHECK(r[4].rating == 2);
  CHECK(r[2].expected == Approx(2.0));
  CHECK(r[2].mass == Approx(1.0));  // logsumexp of the three: all mass on ratings
  const double e = std::exp(1.0);
  CHECK(r[0].expected == Approx((1 * e + 2 * e + 3) / (2 * e + 1)));
  CHECK(r[0].p[0] == Approx(std::exp(1.0 - 2.0)));
  CHECK(r[3].mass == Approx(std::exp(-6.0) * 2 + std::exp(-1.0)));
  for (const auto& x : r) CHECK((x.expected >= 1.0 && x.expected <= 3.0));
  CHECK(ntm::eval::rating_user_message({"a", "b", "c"}, 2) == "a, b");
}

TEST_CASE("ntm eval --llm-rating on the tiny LM: shapes, ranges, identity, batching",
          "[e2e][eval][llm_rating]") {
  TempDir tmp;
  write_topics(tmp / "topics.json", kCoherent);
  auto r = run_ntm("--log-level warn eval --topics " + q(tmp / "topics.json") +
                   " --metrics diversity --top-n 10 --llm-rating " + q(tiny_lm()) +
                   " --chat-format llama3 --report --out " + q(tmp / "ev"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("llm_rating_expected") != std::string::npos);
  auto doc = ntm::load_json_file(tmp / "ev/metrics.json");
  const auto& seed = doc["seeds"][0];
  const double rating = seed["metrics"]["llm_rating"], expected = seed["metrics"]["llm_rating_expected"];
  CHECK((rating >= 1.0 && rating <= 3.0));
  CHECK((expected >= 1.0 && expected <= 3.0));
  const auto& per = seed["llm_rating_per_topic"];
  REQUIRE(per["rating"].size() == kCoherent.size());
  REQUIRE(per["p"].size() == kCoherent.size());
  double sum = 0;
  for (size_t k = 0; k < kCoherent.size(); ++k) {
    const int rk = per["rating"][k];
    CHECK((rk >= 1 && rk <= 3));
    const auto& p = per["p"][k];
    REQUIRE(p.size() == 3);
    const double mass = per["mass"][k];
    CHECK(mass == Approx(p[0].get<double>() + p[1].get<double>() + p[2].get<double>()));
    CHECK((mass > 0.0 && mass <= 1.0));
    CHECK(p[size_t(rk - 1)].get<double>() >=
          std::max({p[0].get<double>(), p[1].get<double>(), p[2].get<double>()}));
    sum += rk;
  }
  CHECK(rating == Approx(sum / double(kCoherent.size())));
  const auto& s = doc["settings"]["llm_rating"];
  CHECK(s["weights"]["sha256"] == ntm::sha256_file(tiny_lm() + "/model.safetensors"));
  CHECK(s["chat_template"]["name"] == "llama3");
  CHECK(s["rating_token_ids"] == ntm::json({49, 50, 51}));
  CHECK(s["prompts"] == kCoherent.size());
  CHECK(s["example_prompt"].get<std::string>().rfind("<|begin_of_text|><|start_header_id|>system", 0) == 0);
  CHECK(ntm::read_file(tmp / "ev/report.html").find("LLM rating ") != std::string::npos);

  // Tiny batches give the same numbers (every prompt is run as if alone).
  auto r2 = run_ntm("--log-level warn eval --topics " + q(tmp / "topics.json") +
                    " --metrics diversity --top-n 10 --llm-rating " + q(tiny_lm()) +
                    " --chat-format llama3 --rating-batch-tokens 64 --out " + q(tmp / "ev2"));
  REQUIRE(r2.exit_code == 0);
  auto doc2 = ntm::load_json_file(tmp / "ev2/metrics.json");
  for (size_t k = 0; k < kCoherent.size(); ++k)
    CHECK(doc2["seeds"][0]["llm_rating_per_topic"]["expected"][k].get<double>() ==
          Approx(per["expected"][k].get<double>()).margin(1e-5));
}

TEST_CASE("ntm eval --llm-rating: the model's own template, folding, and exit 2 on what cannot be rendered",
          "[e2e][eval][llm_rating]") {
  TempDir tmp;
  write_topics(tmp / "topics.json", kCoherent);
  auto eval = [&](const std::string& model, const std::string& extra, const std::string& out) {
    return run_ntm("--log-level warn eval --topics " + q(tmp / "topics.json") +
                   " --metrics diversity --top-n 10 --llm-rating " + q(model) + extra + " --out " + q(tmp / out));
  };
  SECTION("no template and no --chat-format") {
    auto r = eval(tiny_lm(), "", "ev");
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--chat-format") != std::string::npos);
    CHECK_FALSE(ntm::path_exists(tmp / "ev/metrics.json"));
  }
  SECTION("an unsupported construct names itself, the file and the line") {
    auto lm = tiny_lm_with_template(tmp, "{{ bos_token }}\n{% macro turn(m) %}{{ m.content }}{% endmacro %}");
    auto r = eval(lm, "", "ev");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("tokenizer_config.json (chat_template):2") != std::string::npos);
    CHECK(r.output.find("'{% macro %}'") != std::string::npos);
    CHECK_FALSE(ntm::path_exists(tmp / "ev/metrics.json"));
    CHECK(eval(lm, " --chat-format chatml", "ev").exit_code == 0);  // the way out the message names
  }
  SECTION("a template without a system role gets the system text in the user turn") {
    auto lm = tiny_lm_with_template(tmp,
                                    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ "
                                    "raise_exception('System role not supported') }}"
                                    "{% endif %}{% for m in messages %}<turn>{{ m['role'] }}\n{{ "
                                    "m['content'] | trim }}</turn>\n{% endfor %}"
                                    "{% if add_generation_prompt %}<turn>model\n{% endif %}");
    auto r = eval(lm, "", "ev");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    auto s = ntm::load_json_file(tmp / "ev/metrics.json")["settings"]["llm_rating"];
    CHECK(s["system_folded_into_user"] == true);
    CHECK(s["chat_template"]["name"] == "model");
    CHECK(s["example_prompt"].get<std::string>().rfind("<|begin_of_text|><turn>user\nYou are a helpful", 0) ==
          0);
  }
  SECTION("--chat-format needs --llm-rating; unknown names are listed") {
    auto r =
        run_ntm("eval --topics " + q(tmp / "topics.json") + " --chat-format chatml --out " + q(tmp / "ev"));
    CHECK(r.exit_code == 2);
    auto r2 = eval(tiny_lm(), " --chat-format vicuna", "ev");
    CHECK(r2.exit_code == 2);
    CHECK(r2.output.find("chatml, llama3") != std::string::npos);
  }
}

TEST_CASE("SmolLM2 rates coherent topics above topics of unrelated words",
          "[e2e][eval][llm_rating][real_lm]") {
  std::string model;
  const std::string assets = ntm::test::source_path(".assets/models");
  if (std::filesystem::is_directory(assets))
    for (const auto& e : std::filesystem::directory_iterator(assets))
      if (e.path().extension() == ".gguf") model = e.path().string();
  if (model.empty()) {
    NTM_SKIP("no .assets/models/*.gguf (scripts/fetch-test-assets.sh fetches it)");
  }
  TempDir tmp;
  write_topics(tmp / "good.json", kCoherent);
  write_topics(tmp / "bad.json", shuffled_topics());
  double score[2];
  for (int i = 0; i < 2; ++i) {
    const std::string name = i == 0 ? "good" : "bad";
    auto r = run_ntm("--log-level warn eval --topics " + q(tmp / (name + ".json")) +
                     " --metrics diversity --top-n 10 --llm-rating " + q(model) + " --chat-format chatml --out " +
                     q(tmp / name));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    score[i] =
        ntm::load_json_file(tmp / (name + "/metrics.json"))["seeds"][0]["metrics"]["llm_rating_expected"];
  }
  INFO("coherent " << score[0] << ", random " << score[1]);
  CHECK(score[0] > score[1]);
}

TEST_CASE("LLM rating: the shared prompt prefix runs once and gives the ratings of full prompts",
          "[e2e][eval][llm_rating][prefix]") {
  ntm::eval::LlmRatingOptions o;
  o.model = tiny_lm();
  o.chat_format = "llama3";
  o.top_n = 10;
  const std::vector<std::vector<std::vector<std::string>>> topics = {kCoherent, shuffled_topics()};
  auto cached = ntm::eval::rate_topics(topics, o, c10::Device(c10::kCPU));
  o.prefix_cache = false;
  auto full = ntm::eval::rate_topics(topics, o, c10::Device(c10::kCPU));
  // The llama3 template's system header and message are shared: well over 20 tokens.
  CHECK(cached.settings["prefix_cache_tokens"].get<int64_t>() > 20);
  CHECK(full.settings["prefix_cache_tokens"] == 0);
  REQUIRE(cached.seeds.size() == 2);
  for (size_t s = 0; s < 2; ++s) {
    REQUIRE(cached.seeds[s].size() == full.seeds[s].size());
    for (size_t k = 0; k < full.seeds[s].size(); ++k) {
      CHECK(cached.seeds[s][k].expected == Approx(full.seeds[s][k].expected).margin(1e-5));
      CHECK(cached.seeds[s][k].mass == Approx(full.seeds[s][k].mass).epsilon(1e-4));
      for (int j = 0; j < 3; ++j) CHECK(cached.seeds[s][k].p[j] == Approx(full.seeds[s][k].p[j]).epsilon(1e-4));
    }
  }
}
