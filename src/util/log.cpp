#include "ntm/util/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <vector>

#include "ntm/error.h"

namespace ntm {

void init_logging(const std::string& level_in, const std::string& log_file) {
  std::string level = level_in;
  if (level.empty()) {
    const char* env = std::getenv("NTM_LOG_LEVEL");
    level = env && *env ? env : "info";
  }
  auto lv = spdlog::level::from_str(level);
  if (lv == spdlog::level::off && level != "off")
    usage_error("--log-level: unknown level '", level, "' (use trace, debug, info, warn, error or off)");
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!log_file.empty()) sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file));
  auto logger = std::make_shared<spdlog::logger>("ntm", sinks.begin(), sinks.end());
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  logger->set_level(lv);
  spdlog::set_default_logger(logger);
}

void log_info(const std::string& message) { spdlog::info("{}", message); }
void log_warn(const std::string& message) { spdlog::warn("{}", message); }
void log_debug(const std::string& message) { spdlog::debug("{}", message); }

}  // namespace ntm
