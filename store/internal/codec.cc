#include "store/internal/codec.h"

#include <chrono>

#include "base/strings.h"

namespace quotematch::store_internal {

std::string EncodeSpans(const std::vector<Span>& spans) {
  std::string out;
  for (const Span& s : spans) {
    if (!out.empty()) out += ",";
    out += StrCat(s.begin, "-", s.end);
  }
  return out;
}

std::vector<Span> DecodeSpans(std::string_view s) {
  std::vector<Span> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string_view item = s.substr(0, comma);
    const size_t dash = item.find('-');
    if (dash != std::string_view::npos) {
      out.push_back({static_cast<uint32_t>(std::stoul(std::string(item.substr(0, dash)))),
                     static_cast<uint32_t>(std::stoul(std::string(item.substr(dash + 1))))});
    }
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace quotematch::store_internal
