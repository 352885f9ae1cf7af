#include "ntm/eval/compare.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "ntm/error.h"
#include "ntm/util/artifact.h"
#include "ntm/util/config.h"
#include "ntm/util/fs.h"

namespace ntm::eval {

using nlohmann::json;

void CompareOptions::validate() const {
  if (format != "text" && format != "markdown" && format != "tsv")
    usage_error("--format ", format, ": expected text, markdown or tsv");
}

namespace {

// The settings a metric's value depends on, as metrics.json records them.
json metric_signature(const json& doc, const std::string& key) {
  auto member = [](const json& j, const std::string& k) { return j.is_object() && j.contains(k) ? j[k] : json(); };
  json sig = json::object();
  const json settings = member(doc, "settings");
  sig["top_n"] = member(settings, "top_n");
  if (key.find("rbo") != std::string::npos) sig["rbo_p"] = member(member(settings, "diversity"), "rbo_p");
  const json coherence = member(member(doc, "metric_settings"), key);
  if (!coherence.is_null()) sig["coherence"] = coherence;
  return sig;
}

// The eval outputs to compare, in the order given, and the union of their metric keys.
struct EvalDocs {
  std::vector<std::string> names;  // column "run": the directory and its model
  std::vector<std::string> paths;  // metrics.json files
  std::vector<json> docs;          // their contents
  std::vector<std::string> keys;   // metric keys in first-seen order
};

EvalDocs load_eval_docs(const std::vector<std::string>& dirs) {
  EvalDocs e;
  for (const auto& d : dirs) {
    const std::string path = is_directory(d) ? path_join(d, "metrics.json") : d;
    if (!path_exists(path)) input_error(d, ": no metrics.json (run `ntm eval --out ", d, "` first)");
    json doc = load_json_file(path);
    if (json_get_or<std::string>(doc, "format", "", path) != "ntm-eval") input_error(path, ": \"format\" is not \"ntm-eval\"");
    for (const auto& k : json_get<std::vector<std::string>>(doc, "metric_keys", path))
      if (std::find(e.keys.begin(), e.keys.end(), k) == e.keys.end()) e.keys.push_back(k);
    if (!json_get<json>(doc, "seeds", path).is_array()) input_error(path, ": \"seeds\" must be an array");
    if (!json_get<json>(doc, "aggregate", path).is_object()) input_error(path, ": \"aggregate\" must be an object");
    std::string name = d;
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    const std::string model = json_get_or<std::string>(doc, "model", "", path);
    if (!model.empty()) name += " (" + model + ")";
    e.paths.push_back(path);
    e.names.push_back(name);
    e.docs.push_back(std::move(doc));
  }
  return e;
}

// --metrics a,b: those keys, in that order (each must be in some metrics.json).
std::vector<std::string> chosen_keys(const std::string& metrics, const std::vector<std::string>& keys) {
  std::vector<std::string> chosen;
  std::stringstream ss(metrics);
  std::string k;
  while (std::getline(ss, k, ',')) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      usage_error("--metrics: '", k, "' is in none of the metrics.json files");
    chosen.push_back(k);
  }
  return chosen;
}

// Every value of a column must come from the same settings as the first directory that has it:
// refused, or with --allow-mixed marked (mixed[doc][key]) and explained in a note.
struct MixedSettings {
  std::vector<std::vector<bool>> mixed;
  std::vector<std::string> notes;
};

MixedSettings check_same_settings(const EvalDocs& e, bool allow_mixed) {
  MixedSettings m;
  m.mixed.assign(e.docs.size(), std::vector<bool>(e.keys.size(), false));
  for (size_t j = 0; j < e.keys.size(); ++j) {
    const json* first = nullptr;
    size_t first_i = 0;
    for (size_t i = 0; i < e.docs.size(); ++i) {
      if (!e.docs[i].at("aggregate").contains(e.keys[j])) continue;
      const json sig = metric_signature(e.docs[i], e.keys[j]);
      if (!first) {
        first = &e.docs[i];
        first_i = i;
        continue;
      }
      const json sig0 = metric_signature(*first, e.keys[j]);
      const std::string d = first_difference(sig0, sig);
      if (d.empty()) continue;
      const std::string what =
          e.keys[j] + ": " + describe_difference(sig0, sig, d, e.paths[first_i]) + " in " + e.paths[i];
      if (!allow_mixed)
        input_error("compare: ", what, "; these values are not comparable — evaluate the runs with the same "
                    "settings, or pass --allow-mixed to show them marked");
      m.mixed[i][j] = true;
      m.notes.push_back("* " + what);
    }
  }
  return m;
}

// One row of cells per directory: "mean ± std" (mean alone for one seed), "-" when absent.
std::vector<std::vector<std::string>> format_cells(const CompareOptions& opt, const EvalDocs& e,
                                                   const MixedSettings& m) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < e.docs.size(); ++i) {
    const json& doc = e.docs[i];
    std::vector<std::string> r;
    const int n = static_cast<int>(doc.at("seeds").size());
    for (const auto& k : e.keys) {
      if (!doc.at("aggregate").contains(k)) {
        r.push_back("-");
        continue;
      }
      const auto& a = doc["aggregate"][k];
      std::ostringstream c;
      const std::string where = e.paths[i] + ": aggregate." + k;
      c << std::fixed << std::setprecision(opt.precision) << json_get<double>(a, "mean", where);
      if (n > 1) c << (opt.format == "tsv" ? "\t" : " ± ") << std::setprecision(opt.precision) << json_get<double>(a, "std", where);
      if (m.mixed[i][r.size()]) c << "*";
      r.push_back(c.str());
    }
    rows.push_back(r);
  }
  return rows;
}

std::string render_tsv(const EvalDocs& e, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<std::string>& notes) {
  std::ostringstream o;
  o << "run";
  for (const auto& k : e.keys) o << "\t" << k;
  o << "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    o << e.names[i];
    for (const auto& c : rows[i]) o << "\t" << c;
    o << "\n";
  }
  for (const auto& n : notes) o << "# " << n << "\n";
  return o.str();
}

// Aligned text columns, or a Markdown table (numbers right-aligned).
std::string render_columns(const EvalDocs& e, const std::vector<std::vector<std::string>>& rows,
                           const std::vector<std::string>& notes, bool md) {
  // Display width: count UTF-8 code points ("±" is one column).
  auto width = [](const std::string& s) {
    size_t w = 0;
    for (unsigned char ch : s) w += (ch & 0xC0) != 0x80;
    return w;
  };
  const std::vector<std::string>& keys = e.keys;
  std::vector<size_t> w(keys.size() + 1, 3);
  for (const auto& n : e.names) w[0] = std::max(w[0], width(n));
  for (size_t j = 0; j < keys.size(); ++j) {
    w[j + 1] = std::max(w[j + 1], width(keys[j]));
    for (const auto& r : rows) w[j + 1] = std::max(w[j + 1], width(r[j]));
  }
  auto pad = [&](const std::string& s, size_t n, bool left) {
    std::string fill(n > width(s) ? n - width(s) : 0, ' ');
    return left ? s + fill : fill + s;
  };
  std::ostringstream o;
  auto line = [&](const std::string& first, const std::vector<std::string>& cells) {
    o << (md ? "| " : "") << pad(first, w[0], true);
    for (size_t j = 0; j < cells.size(); ++j) o << (md ? " | " : "  ") << pad(cells[j], w[j + 1], false);
    o << (md ? " |" : "") << "\n";
  };
  line("run", keys);
  if (md) {
    o << "|" << std::string(w[0] + 2, '-');
    for (size_t j = 0; j < keys.size(); ++j) o << "|" << std::string(w[j + 1] + 1, '-') << ":";
    o << "|\n";
  }
  for (size_t i = 0; i < rows.size(); ++i) line(e.names[i], rows[i]);
  for (const auto& n : notes) o << "\n" << n;
  if (!notes.empty()) o << "\n";
  return o.str();
}

}  // namespace

std::string compare_table(const CompareOptions& opt) {
  if (opt.dirs.empty()) usage_error("ntm compare: give at least one eval directory");
  opt.validate();
  EvalDocs e = load_eval_docs(opt.dirs);
  if (!opt.metrics.empty()) e.keys = chosen_keys(opt.metrics, e.keys);
  const MixedSettings m = check_same_settings(e, opt.allow_mixed);
  const auto rows = format_cells(opt, e, m);
  if (opt.format == "tsv") return render_tsv(e, rows, m.notes);
  return render_columns(e, rows, m.notes, opt.format == "markdown");
}

}  // namespace ntm::eval
