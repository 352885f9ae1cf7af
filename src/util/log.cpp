#include "ntm/util/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
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
  if (!log_file.empty()) {
    std::error_code ec;
    if (std::filesystem::is_directory(log_file, ec))
      usage_error("--log-file ", log_file, ": is a directory; give a file path, e.g. --log-file ",
                  (std::filesystem::path(log_file) / "ntm.log").string());
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file));
    } catch (const spdlog::spdlog_ex& e) {
      usage_error("--log-file ", log_file, ": cannot be opened for appending (", e.what(), ")");
    }
  }
  auto logger = std::make_shared<spdlog::logger>("ntm", sinks.begin(), sinks.end());
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  logger->set_level(lv);
  spdlog::set_default_logger(logger);
}

void log_info(const std::string& message) { spdlog::info("{}", message); }
void log_warn(const std::string& message) { spdlog::warn("{}", message); }
void log_debug(const std::string& message) { spdlog::debug("{}", message); }

}  // namespace ntm
