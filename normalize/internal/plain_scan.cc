#include "normalize/internal/plain_scan.h"

namespace quotematch::internal {

PlainScanner::PlainScanner(const std::function<bool(char32_t)>& plain, bool space_decided_by_next) {
  for (char32_t c = 0; c < 0x80; ++c) {
    if (!plain(c)) ascii_[c >> 3] |= static_cast<uint8_t>(1u << (c & 7));
  }
  for (char32_t c = 0; c < 0x100; ++c) {
    if (!plain(0x600 + c)) arabic_[c >> 3] |= static_cast<uint8_t>(1u << (c & 7));
  }
  if (space_decided_by_next) ascii_[' ' >> 3] &= static_cast<uint8_t>(~(1u << (' ' & 7)));
}

}  // namespace quotematch::internal
