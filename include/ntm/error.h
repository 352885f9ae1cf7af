#pragma once
// One exception type for everything ntm reports to a user.
//
// Throw where a problem is detected, naming the file / line / key / flag, what was expected,
// what was found and, when known, the fix. apps/ntm.cpp catches it, prints one line and exits
// with 2 (usage or input errors) or 1 (internal errors). Library code never calls exit().
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ntm {

class Error : public std::runtime_error {
 public:
  enum class Kind { kUsage, kInput, kInternal };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }
  int exit_code() const { return kind_ == Kind::kInternal ? 1 : 2; }

 private:
  Kind kind_;
};

namespace detail {
template <typename... Args>
std::string concat(Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}
}  // namespace detail

// Bad command line or configuration (exit 2).
template <typename... Args>
[[noreturn]] void usage_error(Args&&... args) {
  throw Error(Error::Kind::kUsage, detail::concat(std::forward<Args>(args)...));
}
// Bad input file or data (exit 2).
template <typename... Args>
[[noreturn]] void input_error(Args&&... args) {
  throw Error(Error::Kind::kInput, detail::concat(std::forward<Args>(args)...));
}
// A broken invariant of ntm itself (exit 1).
template <typename... Args>
[[noreturn]] void internal_error(Args&&... args) {
  throw Error(Error::Kind::kInternal, detail::concat(std::forward<Args>(args)...));
}

}  // namespace ntm

// Internal invariant: throws an internal error carrying file:line.
#define NTM_CHECK(cond, ...)                                                                     \
  do {                                                                                           \
    if (!(cond))                                                                                 \
      ::ntm::internal_error(__FILE__, ":", __LINE__, ": check failed: " #cond ": ", __VA_ARGS__); \
  } while (0)
