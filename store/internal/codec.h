// File: store/internal/codec.h
//
// Shared by the store implementations: statement spans as text
// ("3-9,12-20") and the event clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/statement.h"

namespace quotematch::store_internal {

std::string EncodeSpans(const std::vector<Span>& spans);
// Skips malformed items (a store only reads what EncodeSpans wrote).
std::vector<Span> DecodeSpans(std::string_view s);

// Microseconds since the Unix epoch, for MatchEvent::recorded_unix_micros.
int64_t NowMicros();

}  // namespace quotematch::store_internal
