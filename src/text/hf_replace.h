#pragma once
// The Replace operation shared by the Replace normalizer and decoder (internal header).
#include <memory>
#include <string>

#include "text/hf_components.h"
#include "text/regex.h"

namespace ntm::text {

// A literal string or a regex; every occurrence is replaced by `content`.
class ReplaceOp {
 public:
  ReplaceOp(const json& j, const std::string& where);
  void apply(std::string& s) const;

 private:
  bool is_literal_ = false;
  std::string literal_, content_;
  std::unique_ptr<Regex> regex_;
};


}  // namespace ntm::text
