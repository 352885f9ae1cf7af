// HTML/SVG rendering of the evaluation report. Everything is inline: CSS in <style>, charts as
// <svg>; no scripts, fonts or images are fetched.
#include "ntm/eval/report.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include "ntm/error.h"
#include "ntm/util/fs.h"
#include "ntm/version.h"

namespace ntm::eval {

using nlohmann::json;

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string num(double v, int prec = 4) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(prec) << v;
  return o.str();
}

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
std::string topic_color(size_t k) { return kPalette[k % 10]; }

// White -> dark blue.
std::string heat_color(double x) {
  x = std::min(1.0, std::max(0.0, x));
  auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * x)); };
  std::ostringstream o;
  o << "rgb(" << mix(247, 8) << "," << mix(251, 48) << "," << mix(255, 107) << ")";
  return o.str();
}

const std::map<std::string, std::string>& metric_help() {
  static const std::map<std::string, std::string> h = {
      {"topic_diversity", "TD: share of distinct words among all topics' top-N words"},
      {"inverted_rbo", "1 − mean rank-biased overlap (p = 0.9) of topic pairs"},
      {"purity", "argmax topic vs gold label: share of documents in their topic's majority class"},
      {"inverse_purity", "share of documents in their class's majority topic"},
      {"harmonic_purity", "harmonic mean of purity and inverse purity"},
      {"nmi", "normalized mutual information (arithmetic, as scikit-learn)"},
      {"ari", "adjusted Rand index (as scikit-learn)"},
      {"precision@1", "share of nearest neighbours (KL of θ) with the query's label"},
      {"precision@5", "same, first 5 neighbours"},
      {"precision@10", "same, first 10 neighbours"},
      {"c_v", "C_V coherence (one-set, NPMI context vectors, cosine)"},
      {"c_npmi", "mean NPMI of word pairs"},
      {"c_uci", "mean PMI of word pairs"},
      {"u_mass", "UMass: mean log conditional document probability"},
  };
  return h;
}

std::string metric_table(const json& doc) {
  std::ostringstream o;
  const auto& seeds = doc.at("seeds");
  o << "<table class=\"metrics\"><thead><tr><th>metric</th><th>mean ± std</th>";
  for (const auto& s : seeds) o << "<th>" << esc(s.at("name").get<std::string>()) << "</th>";
  o << "<th class=\"help\">what it measures</th></tr></thead><tbody>";
  for (const auto& k : doc.at("metric_keys")) {
    const std::string key = k.get<std::string>();
    const auto& a = doc.at("aggregate").at(key);
    o << "<tr><td class=\"key\">" << esc(key) << "</td><td class=\"mean\">" << num(a.at("mean").get<double>())
      << " <span class=\"sd\">± " << num(a.at("std").get<double>()) << "</span></td>";
    for (const auto& s : seeds) {
      const auto& m = s.at("metrics");
      o << "<td>" << (m.contains(key) ? num(m[key].get<double>()) : "–") << "</td>";
    }
    auto h = metric_help().find(key);
    o << "<td class=\"help\">" << (h == metric_help().end() ? "" : esc(h->second)) << "</td></tr>";
  }
  o << "</tbody></table>";
  return o.str();
}

// One topic: horizontal bars of its top words' weights.
std::string topic_chart(size_t k, const std::vector<std::string>& words, const std::vector<double>& weights,
                        bool have_weights) {
  const int row = 18, label_w = 96, bar_w = 128, top = 4;
  const int h = top + row * static_cast<int>(words.size()) + 4;
  double wmax = 0;
  for (double w : weights) wmax = std::max(wmax, w);
  std::ostringstream o;
  o << "<svg class=\"topic-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << label_w + bar_w + 50
    << "\" height=\"" << h << "\" role=\"img\" aria-label=\"topic " << k << " top words\">";
  for (size_t i = 0; i < words.size(); ++i) {
    const int y = top + row * static_cast<int>(i);
    const double frac = have_weights && wmax > 0 ? weights[i] / wmax : 1.0 - 0.6 * static_cast<double>(i) / std::max<size_t>(words.size(), 1);
    o << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 13 << "\" text-anchor=\"end\">" << esc(words[i]) << "</text>";
    o << "<rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << num(std::max(1.0, frac * bar_w), 1)
      << "\" height=\"" << row - 6 << "\" rx=\"2\" fill=\"" << topic_color(k) << "\"><title>" << esc(words[i]);
    if (have_weights) o << ": " << num(weights[i], 5);
    o << "</title></rect>";
    if (have_weights)
      o << "<text class=\"val\" x=\"" << label_w + frac * bar_w + 4 << "\" y=\"" << y + 13 << "\">"
        << num(weights[i], 3) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

std::string sizes_chart(const std::vector<int64_t>& sizes) {
  const int K = static_cast<int>(sizes.size());
  const int bw = std::max(8, std::min(36, 900 / std::max(K, 1))), gap = 3, h = 196, base = h - 36, left = 44;
  int64_t mx = 1;
  for (auto s : sizes) mx = std::max(mx, s);
  std::ostringstream o;
  const int width = left + K * (bw + gap) + 10;
  o << "<svg class=\"sizes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << h << "\">";
  o << "<line x1=\"" << left << "\" y1=\"" << base << "\" x2=\"" << width - 5 << "\" y2=\"" << base
    << "\" stroke=\"#888\"/>";
  o << "<text class=\"axis\" x=\"" << left - 4 << "\" y=\"14\" text-anchor=\"end\">" << mx << "</text>";
  o << "<text class=\"axis\" x=\"" << left - 4 << "\" y=\"" << base << "\" text-anchor=\"end\">0</text>";
  o << "<text class=\"axis\" x=\"" << left + K * (bw + gap) / 2.0 << "\" y=\"" << h - 2
    << "\" text-anchor=\"middle\">topic</text>";
  for (int k = 0; k < K; ++k) {
    const double bh = static_cast<double>(sizes[k]) / static_cast<double>(mx) * (base - 10);
    const int x = left + k * (bw + gap);
    o << "<rect x=\"" << x << "\" y=\"" << num(base - bh, 1) << "\" width=\"" << bw << "\" height=\"" << num(bh, 1)
      << "\" fill=\"" << topic_color(k) << "\"><title>topic " << k << ": " << sizes[k] << " documents</title></rect>";
    if (K <= 60 || k % 5 == 0)
      o << "<text class=\"axis\" x=\"" << x + bw / 2.0 << "\" y=\"" << base + 14 << "\" text-anchor=\"middle\">" << k
        << "</text>";
  }
  o << "</svg>";
  return o.str();
}

std::string map_chart(const at::Tensor& coords, const std::vector<std::vector<std::string>>& topics,
                      const std::vector<int64_t>& sizes) {
  const int W = 820, H = 560, pad = 70;
  auto c = coords.to(torch::kFloat64).contiguous();
  const int64_t K = c.size(0);
  double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
  for (int64_t k = 0; k < K; ++k) {
    xmin = std::min(xmin, c[k][0].item<double>());
    xmax = std::max(xmax, c[k][0].item<double>());
    ymin = std::min(ymin, c[k][1].item<double>());
    ymax = std::max(ymax, c[k][1].item<double>());
  }
  const double sx = xmax > xmin ? (W - 2 * pad) / (xmax - xmin) : 1, sy = ymax > ymin ? (H - 2 * pad) / (ymax - ymin) : 1;
  int64_t smax = 1;
  for (auto s : sizes) smax = std::max(smax, s);
  struct Box { double x0, y0, x1, y1; };
  std::vector<Box> placed;
  auto overlaps = [&](const Box& b) {
    if (b.x0 < 2 || b.x1 > W - 2 || b.y0 < 2 || b.y1 > H - 2) return true;
    for (const auto& p : placed)
      if (b.x0 < p.x1 && p.x0 < b.x1 && b.y0 < p.y1 && p.y0 < b.y1) return true;
    return false;
  };
  std::ostringstream circles, labels;
  for (int64_t k = 0; k < K; ++k) {
    const double x = pad + (c[k][0].item<double>() - xmin) * sx, y = H - pad - (c[k][1].item<double>() - ymin) * sy;
    const double r = sizes.empty() ? 8 : 5 + 22 * std::sqrt(static_cast<double>(sizes[k]) / static_cast<double>(smax));
    placed.push_back({x - r, y - r, x + r, y + r});
  }
  for (int64_t k = 0; k < K; ++k) {
    const double x = pad + (c[k][0].item<double>() - xmin) * sx, y = H - pad - (c[k][1].item<double>() - ymin) * sy;
    const double r = placed[k].x1 - x;
    std::string label = "T" + std::to_string(k);
    for (size_t i = 0; i < 2 && i < topics[k].size(); ++i) label += (i ? " " : ": ") + topics[k][i];
    circles << "<circle cx=\"" << num(x, 1) << "\" cy=\"" << num(y, 1) << "\" r=\"" << num(r, 1) << "\" fill=\""
            << topic_color(k) << "\" fill-opacity=\"0.55\" stroke=\"" << topic_color(k) << "\"><title>" << esc(label)
            << "</title></circle>";
    // Label: first free spot among above / below / right / left of the circle (else above).
    const double tw = 5.6 * static_cast<double>(label.size()), th = 12;
    const double cand[4][2] = {{x - tw / 2, y - r - 3 - th}, {x - tw / 2, y + r + 3}, {x + r + 4, y - th / 2},
                               {x - r - 4 - tw, y - th / 2}};
    Box box{cand[0][0], cand[0][1], cand[0][0] + tw, cand[0][1] + th};
    for (const auto& cd : cand) {
      Box b{cd[0], cd[1], cd[0] + tw, cd[1] + th};
      if (!overlaps(b)) {
        box = b;
        break;
      }
    }
    box.x0 = std::min(std::max(box.x0, 2.0), W - 2 - tw);
    box.y0 = std::min(std::max(box.y0, 2.0), H - 2 - th);
    box.x1 = box.x0 + tw;
    box.y1 = box.y0 + th;
    placed.push_back(box);
    labels << "<text class=\"maplabel\" x=\"" << num(box.x0, 1) << "\" y=\"" << num(box.y0 + th - 2, 1) << "\">"
           << esc(label) << "</text>";
  }
  std::ostringstream o;
  o << "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\">";
  o << "<rect x=\"0.5\" y=\"0.5\" width=\"" << W - 1 << "\" height=\"" << H - 1 << "\" fill=\"#fbfbfd\" stroke=\"#ddd\"/>";
  o << circles.str() << labels.str() << "</svg>";
  return o.str();
}

std::string heatmap(const std::vector<int64_t>& assign, const std::vector<int64_t>& labels,
                    const std::vector<std::string>& names, int64_t K) {
  int64_t C = 0;
  for (auto l : labels) C = std::max(C, l + 1);
  if (C == 0) return "";
  std::vector<int64_t> n(K * C, 0), row(K, 0);
  for (size_t d = 0; d < labels.size(); ++d)
    if (labels[d] >= 0) {
      ++n[assign[d] * C + labels[d]];
      ++row[assign[d]];
    }
  auto name = [&](int64_t c) { return c < static_cast<int64_t>(names.size()) ? names[c] : std::to_string(c); };
  size_t longest = 1;
  for (int64_t c = 0; c < C; ++c) longest = std::max(longest, name(c).size());
  const int cell = 26, left = 48, top = static_cast<int>(std::min<size_t>(longest, 28) * 6.5) + 12;
  const int W = left + static_cast<int>(C) * cell + 150, H = std::max(top + static_cast<int>(K) * cell + 10, top + 150);
  std::ostringstream o;
  o << "<svg class=\"heat\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\">";
  for (int64_t c = 0; c < C; ++c) {
    const int x = left + static_cast<int>(c) * cell + cell / 2;
    std::string nm = name(c);
    if (nm.size() > 28) nm = nm.substr(0, 27) + "…";
    o << "<text class=\"axis\" transform=\"translate(" << x + 4 << "," << top - 6 << ") rotate(-60)\">" << esc(nm)
      << "</text>";
  }
  for (int64_t k = 0; k < K; ++k) {
    const int y = top + static_cast<int>(k) * cell;
    o << "<text class=\"axis\" x=\"" << left - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">T" << k << "</text>";
    for (int64_t c = 0; c < C; ++c) {
      const double frac = row[k] > 0 ? static_cast<double>(n[k * C + c]) / static_cast<double>(row[k]) : 0.0;
      o << "<rect x=\"" << left + c * cell << "\" y=\"" << y << "\" width=\"" << cell - 1 << "\" height=\"" << cell - 1
        << "\" fill=\"" << heat_color(frac) << "\"><title>topic " << k << " × " << esc(name(c)) << ": "
        << n[k * C + c] << " documents (" << num(100 * frac, 1) << "% of the topic)</title></rect>";
    }
  }
  // Legend: share of the topic's documents.
  const int lx = left + static_cast<int>(C) * cell + 30;
  for (int i = 0; i <= 10; ++i)
    o << "<rect x=\"" << lx << "\" y=\"" << top + (10 - i) * 12 << "\" width=\"16\" height=\"12\" fill=\""
      << heat_color(i / 10.0) << "\"/>";
  o << "<text class=\"axis\" x=\"" << lx + 22 << "\" y=\"" << top + 10 << "\">100%</text>";
  o << "<text class=\"axis\" x=\"" << lx + 22 << "\" y=\"" << top + 130 << "\">0%</text>";
  o << "</svg>";
  return o.str();
}

const char* kStyle = R"(
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px 32px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e3e3;padding-bottom:4px}
.sub{color:#666;font-size:13px;margin-bottom:12px}
table.metrics{border-collapse:collapse;font-size:13px}
table.metrics th,table.metrics td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
table.metrics th{background:#f4f6f9;font-weight:600}
table.metrics td.key,table.metrics th:first-child{text-align:left;font-family:Menlo,Consolas,monospace}
table.metrics td.mean{font-weight:600} .sd{color:#888;font-weight:400}
table.metrics td.help,table.metrics th.help{text-align:left;color:#666;white-space:normal;max-width:360px}
.settings{font-size:12px;color:#555;margin-top:8px;line-height:1.5}
.topics{display:flex;flex-wrap:wrap;gap:12px}
.topic{border:1px solid #e3e3e3;border-radius:6px;padding:6px 8px 4px;background:#fcfcfd}
.topic h3{font-size:13px;margin:0 0 2px;font-weight:600} .topic .meta{font-size:11px;color:#777;margin-bottom:2px}
svg text{font-size:11px;fill:#333} svg text.val{fill:#888;font-size:10px} svg text.axis{fill:#555;font-size:11px}
svg text.maplabel{font-size:10px;fill:#333}
.note{font-size:12px;color:#777}
)";

}  // namespace

std::string render_report(const json& doc, const EvalInputs& in) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>ntm eval: " << esc(in.source)
    << "</title><style>" << kStyle << "</style></head><body>\n";
  o << "<h1>Topic model evaluation</h1><div class=\"sub\">" << esc(in.source);
  if (!in.model.empty()) o << " · model " << esc(in.model);
  o << " · " << in.seeds.size() << (in.seeds.size() == 1 ? " seed" : " seeds") << " · ntm " << esc(version())
    << "</div>\n";
  o << "<h2>Metrics</h2>" << metric_table(doc);
  const auto& st = doc.at("settings");
  o << "<div class=\"settings\">top-N " << st.at("top_n") << " · I-RBO p = " << st["diversity"]["rbo_p"]
    << " · retrieval: KL(query‖doc), ties to the lower document index · std over seeds: population";
  if (st.contains("coherence")) {
    const auto& c = st["coherence"];
    o << "<br/>coherence: flavour <b>" << esc(c["flavour"].get<std::string>()) << "</b>, window C_V " << c["window_c_v"]
      << ", NPMI/UCI " << c["window_pmi"] << ", UMass whole documents, ε = " << c["epsilon"].get<double>()
      << ", reference " << esc(c["reference"]["path"].get<std::string>()) << " (" << c["reference"]["documents"]
      << " documents, sha256 " << esc(c["reference"]["sha256"].get<std::string>().substr(0, 16)) << "…)";
  }
  o << "</div>\n";

  const SeedInput& s = in.seeds.front();
  const json& js = doc.at("seeds").at(0);
  const int64_t K = static_cast<int64_t>(s.topics.size());
  const int top_n = st.at("top_n").get<int>();
  at::Tensor dist;
  if (s.beta.defined()) dist = beta_distributions(s.beta);
  std::vector<int64_t> sizes = js.contains("topic_sizes") ? js["topic_sizes"].get<std::vector<int64_t>>() : std::vector<int64_t>{};
  std::string coh_key;
  for (const char* k : {"c_v", "c_npmi", "c_uci", "u_mass"})
    if (coh_key.empty() && js.contains("coherence_per_topic") && js["coherence_per_topic"].contains(k)) coh_key = k;

  o << "<h2>Topics</h2><div class=\"note\">" << esc(s.name) << ": top " << top_n
    << " words per topic; bar length = word probability in the topic (β row"
    << (s.beta.defined() ? "" : " — not available, bars show rank only") << ").</div>\n<div class=\"topics\">";
  for (int64_t k = 0; k < K; ++k) {
    std::vector<std::string> words(s.topics[k].begin(),
                                   s.topics[k].begin() + std::min<size_t>(s.topics[k].size(), top_n));
    std::vector<double> weights;
    if (dist.defined()) {
      auto top = std::get<0>(dist[k].topk(static_cast<int64_t>(words.size())));
      for (int64_t i = 0; i < top.size(0); ++i) weights.push_back(top[i].item<double>());
    }
    o << "<div class=\"topic\"><h3>Topic " << k << "</h3><div class=\"meta\">";
    if (!sizes.empty()) o << sizes[k] << " documents";
    if (!coh_key.empty()) o << (sizes.empty() ? "" : " · ") << esc(coh_key) << " " << num(js["coherence_per_topic"][coh_key][k].get<double>(), 3);
    if (js.contains("llm_rating_per_topic")) {  // LLM rating: argmax, expected value, rating tokens' probability
      const json& r = js["llm_rating_per_topic"];
      o << (sizes.empty() && coh_key.empty() ? "" : " · ") << "LLM rating " << r["rating"][k].get<int>() << " (expected "
        << num(r["expected"][k].get<double>(), 2) << ", p(1..3) " << num(r["mass"][k].get<double>(), 2) << ")";
    }
    if (js.contains("missing_words_per_topic") && !js["missing_words_per_topic"][k].empty()) {
      o << " · not in the reference corpus:";
      for (const auto& w : js["missing_words_per_topic"][k]) o << " " << esc(w.get<std::string>());
    }
    o << "</div>" << topic_chart(k, words, weights, dist.defined()) << "</div>";
  }
  o << "</div>\n";

  if (!sizes.empty()) o << "<h2>Topic sizes</h2><div class=\"note\">documents whose argmax topic is k</div>" << sizes_chart(sizes);
  if (dist.defined() && K >= 2) {
    o << "<h2>Topic map</h2><div class=\"note\">classical MDS of the Jensen-Shannon distances between β rows; "
         "circle area ∝ topic size</div>"
      << map_chart(classical_mds(js_distances(dist)), s.topics, sizes);
  }
  if (s.theta.defined() && std::any_of(s.labels.begin(), s.labels.end(), [](int64_t l) { return l >= 0; })) {
    auto a = s.theta.argmax(1).to(torch::kInt64).contiguous();
    std::vector<int64_t> assign(a.data_ptr<int64_t>(), a.data_ptr<int64_t>() + a.numel());
    o << "<h2>Topics × gold labels</h2><div class=\"note\">share of each topic's documents (row) in each class "
         "(column); hover a cell for counts</div>"
      << heatmap(assign, s.labels, s.label_names, K);
  }
  o << "\n</body></html>\n";
  return o.str();
}

void write_report(const std::string& path, const json& metrics, const EvalInputs& inputs) {
  write_file_atomic(path, render_report(metrics, inputs));
}

}  // namespace ntm::eval
