// SIGINT/SIGTERM -> a flag polled by long loops (see ntm/util/signals.h).
#include "ntm/util/signals.h"

#include <csignal>

namespace ntm {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int sig) {
  if (g_signal != 0) {  // second signal: stop now
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_signal = sig;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return g_signal != 0; }

int stop_signal() { return g_signal; }

void request_stop(int signal) { g_signal = signal; }

void throw_if_stop_requested(const std::string& what) {
  const int sig = g_signal;
  if (sig == 0) return;
  const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
  throw Interrupted(sig, what + ": stopped by " + name + "; finished work is kept, rerun with --resume to continue");
}

}  // namespace ntm
