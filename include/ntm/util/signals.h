#pragma once
// Clean stops on SIGINT / SIGTERM for long commands (build-labels; train later).
//
// main() calls install_stop_handlers(). The first SIGINT/SIGTERM only sets a flag; long loops
// poll stop_requested() at safe points (after a committed chunk) and call throw_if_stop_requested(),
// which throws Interrupted. main() catches it, prints one line and exits 128 + signal
// (130 for SIGINT, 143 for SIGTERM). A second signal restores the default action and kills the
// process at once (the label store stays resumable either way: chunks are committed atomically).
#include <stdexcept>
#include <string>

namespace ntm {

class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& message) : std::runtime_error(message), signal_(signal) {}
  int signal() const { return signal_; }
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

// Installs the SIGINT/SIGTERM handlers (idempotent).
void install_stop_handlers();
// True once SIGINT or SIGTERM was received (async-signal-safe flag).
bool stop_requested();
// The signal received (SIGINT/SIGTERM) or 0.
int stop_signal();
// Sets the flag as a signal would (tests); signal 0 clears it.
void request_stop(int signal);
// Throws Interrupted("<what>: stopped by SIGTERM; ...") when a stop was requested.
void throw_if_stop_requested(const std::string& what);

}  // namespace ntm
