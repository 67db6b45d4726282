#include "server/rpc_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/strings.h"

namespace quotematch {
namespace {

std::string NowIso8601() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("quotematch-json");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}

}  // namespace

void InitJsonLogging() {
  // RPC lines are buffered and written at least once a second (a write per
  // line would cost a system call per RPC); server events are flushed at
  // once. A crash loses at most the last second of RPC lines.
  static std::once_flag once;
  std::call_once(once, [] {
    std::setvbuf(stderr, nullptr, _IOFBF, 1 << 16);
    Logger();
    spdlog::flush_every(std::chrono::seconds(1));
  });
}

std::string_view StatusCodeName(grpc::StatusCode code) { return quotematch::StatusCodeName(static_cast<int>(code)); }

void LogRpc(std::string_view method, const grpc::Status& status, double duration_ms,
            std::string_view peer, std::string_view request_id, std::string_view caller) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", duration_ms);
  Logger()->info(StrCat("{\"ts\":\"", NowIso8601(), "\",\"level\":\"",
                        status.ok() ? "info" : "warn", "\",\"method\":", JsonQuote(method),
                        ",\"code\":\"", StatusCodeName(status.error_code()),
                        "\",\"duration_ms\":", ms, ",\"peer\":", JsonQuote(peer),
                        ",\"request_id\":", JsonQuote(request_id), ",\"caller\":", JsonQuote(caller),
                        ",\"message\":", JsonQuote(status.error_message()), "}"));
}

void LogEvent(std::string_view level, std::string_view event, std::string_view detail) {
  Logger()->info(StrCat("{\"ts\":\"", NowIso8601(), "\",\"level\":", JsonQuote(level),
                        ",\"event\":", JsonQuote(event), ",\"detail\":", JsonQuote(detail), "}"));
  Logger()->flush();
}

}  // namespace quotematch
