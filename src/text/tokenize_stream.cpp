#include "ntm/text/tokenize_stream.h"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <istream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "ntm/error.h"

namespace ntm::text {

void TokenizeOptions::validate() const {
  if (model.empty()) usage_error("--model: required (a folder with tokenizer.json or tokenizer.model)");
  if (tokenizer != "auto" && tokenizer != "json" && tokenizer != "spm")
    usage_error("--tokenizer: expected auto, json or spm, got '", tokenizer, "'");
  if (add_bos != "auto" && add_bos != "yes" && add_bos != "no")
    usage_error("--add-bos: expected auto, yes or no, got '", add_bos, "'");
}
namespace {
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

TokenizeStats tokenize_stream(const Tokenizer& tok, std::istream& in, std::ostream& out, bool add_special_tokens,
                              const std::string& input_name) {
  TokenizeStats st;
  std::string line, buf;
  char num[16];
  while (std::getline(in, line)) {
    ++st.lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      input_error(input_name, ":", st.lines, ": expected one JSON string per line (", e.what(), ")");
    }
    if (!j.is_string())
      input_error(input_name, ":", st.lines, ": expected a JSON string, found ", j.type_name(),
                  " (write each text as \"...\" on its own line)");
    const std::string& text = j.get_ref<const std::string&>();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = thread_cpu_seconds();
    std::vector<int32_t> ids = tok.encode(text, add_special_tokens);
    st.encode_cpu_seconds += thread_cpu_seconds() - c0;
    st.encode_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.text_bytes += text.size();
    st.tokens += ids.size();
    buf.clear();
    buf += '[';
    for (size_t k = 0; k < ids.size(); ++k) {
      int n = std::snprintf(num, sizeof num, k ? ",%d" : "%d", ids[k]);
      buf.append(num, static_cast<size_t>(n));
    }
    buf += "]\n";
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  }
  out.flush();
  return st;
}

}  // namespace ntm::text
