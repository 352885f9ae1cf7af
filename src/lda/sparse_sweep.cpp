#include "sweep.h"

#include <cmath>
#include <string>

#include "ntm/error.h"
#include "rng.h"

namespace ntm::lda {

void WordTopicCounts::rebuild(int64_t V) {
  topics.assign(V * stride, 0);
  pos.assign(V * stride, -1);
  len.assign(V, 0);
  for (int64_t w = 0; w < V; ++w)
    for (int64_t k = 0; k < K; ++k)
      if (count[w * stride + k] > 0) {
        pos[w * stride + k] = len[w];
        topics[w * stride + len[w]++] = static_cast<int32_t>(k);
      }
}

namespace {

// A sparse set of topics (a word's or a document's): list + position index, O(1) insert/remove.
inline void list_add(int32_t* list, int32_t* pos, int32_t& len, int32_t k) {
  pos[k] = len;
  list[len++] = k;
}
inline void list_remove(int32_t* list, int32_t* pos, int32_t& len, int32_t k) {
  const int32_t i = pos[k], last = list[--len];
  list[i] = last;
  pos[last] = i;
  pos[k] = -1;
}

}  // namespace

void sparse_sweep(const SweepInput& in, WordTopicCounts& wk, std::vector<int32_t>& nk, Rng& rng) {
  const int64_t K = in.K;
  const double beta = in.beta, vbeta = in.V * in.beta;
  const double* alpha = in.alpha;
  std::vector<double> inv(K), coef(K), qv(K);
  std::vector<int32_t> dlist(K), dpos(K, -1);
  for (int64_t k = 0; k < K; ++k) inv[k] = 1.0 / (vbeta + nk[k]);

  for (int64_t d = in.doc_begin; d < in.doc_end; ++d) {
    int32_t* dk = in.n_dk + d * K;
    // Per document: exact s and r, the document's topic list and the q coefficients.
    double s_sum = 0, r_sum = 0;
    int32_t dlen = 0;
    for (int64_t k = 0; k < K; ++k) {
      s_sum += alpha[k] * beta * inv[k];
      coef[k] = (alpha[k] + dk[k]) * inv[k];
      dpos[k] = -1;
      if (dk[k] > 0) {
        r_sum += dk[k] * beta * inv[k];
        list_add(dlist.data(), dpos.data(), dlen, static_cast<int32_t>(k));
      }
    }
    for (int64_t i = in.doc_tok[d]; i < in.doc_tok[d + 1]; ++i) {
      const int32_t w = in.words[i];
      int32_t* wrow = &wk.count[w * wk.stride];
      int32_t* wlist = &wk.topics[w * wk.stride];
      int32_t* wpos = &wk.pos[w * wk.stride];
      int32_t& wlen = wk.len[w];
      // Take the token out (and every bucket term of its topic with it).
      int32_t k = in.z[i];
      s_sum -= alpha[k] * beta * inv[k];
      r_sum -= dk[k] * beta * inv[k];
      --dk[k];
      --nk[k];
      if (--wrow[k] == 0) list_remove(wlist, wpos, wlen, k);
      if (dk[k] == 0) list_remove(dlist.data(), dpos.data(), dlen, k);
      inv[k] = 1.0 / (vbeta + nk[k]);
      s_sum += alpha[k] * beta * inv[k];
      r_sum += dk[k] * beta * inv[k];
      coef[k] = (alpha[k] + dk[k]) * inv[k];

      double q_sum = 0;
      for (int32_t j = 0; j < wlen; ++j) {
        const int32_t t = wlist[j];
        qv[j] = coef[t] * wrow[t];
        q_sum += qv[j];
      }
      double u = rng.uniform() * (s_sum + r_sum + q_sum);
      int32_t pick = -1;
      if (u < q_sum) {
        for (int32_t j = 0; j < wlen; ++j) {
          u -= qv[j];
          if (u < 0) { pick = wlist[j]; break; }
        }
        if (pick < 0) pick = wlist[wlen - 1];  // rounding at the bucket's end
      } else if ((u -= q_sum) < r_sum && dlen > 0) {
        for (int32_t j = 0; j < dlen; ++j) {
          const int32_t t = dlist[j];
          u -= dk[t] * beta * inv[t];
          if (u < 0) { pick = t; break; }
        }
        if (pick < 0) pick = dlist[dlen - 1];
      } else {
        u -= r_sum;
        for (int64_t t = 0; t < K; ++t) {
          u -= alpha[t] * beta * inv[t];
          if (u < 0) { pick = static_cast<int32_t>(t); break; }
        }
        if (pick < 0) pick = static_cast<int32_t>(K - 1);
      }
      // Put it back under the new topic.
      k = pick;
      in.z[i] = k;
      s_sum -= alpha[k] * beta * inv[k];
      r_sum -= dk[k] * beta * inv[k];
      if (dk[k]++ == 0) list_add(dlist.data(), dpos.data(), dlen, k);
      if (wrow[k]++ == 0) list_add(wlist, wpos, wlen, k);
      ++nk[k];
      inv[k] = 1.0 / (vbeta + nk[k]);
      s_sum += alpha[k] * beta * inv[k];
      r_sum += dk[k] * beta * inv[k];
      coef[k] = (alpha[k] + dk[k]) * inv[k];

      if (in.check_invariants) {
        double s_ref = 0, r_ref = 0;
        int32_t d_nz = 0, w_nz = 0;
        for (int64_t t = 0; t < K; ++t) {
          s_ref += alpha[t] * beta / (vbeta + nk[t]);
          r_ref += dk[t] * beta / (vbeta + nk[t]);
          d_nz += dk[t] > 0;
          w_nz += wrow[t] > 0;
          if ((dk[t] > 0) != (dpos[t] >= 0) || (wrow[t] > 0) != (wpos[t] >= 0) ||
              std::abs(coef[t] - (alpha[t] + dk[t]) / (vbeta + nk[t])) > 1e-12 * (1 + std::abs(coef[t])))
            internal_error("sparse LDA: bookkeeping of topic ", t, " is off at token ", i);
        }
        if (d_nz != dlen || w_nz != wlen || std::abs(s_ref - s_sum) > 1e-9 * (1 + s_ref) ||
            std::abs(r_ref - r_sum) > 1e-9 * (1 + r_ref))
          internal_error("sparse LDA: bucket sums are off at token ", i, " (s ", s_sum, " vs ", s_ref, ", r ", r_sum,
                         " vs ", r_ref, ")");
      }
    }
  }
}

}  // namespace ntm::lda
