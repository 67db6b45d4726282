// File: base/strings.h
//
// String helpers over std::string_view. Debian 12's Abseil is built with its
// own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so absl's
// string utilities do not accept std::string_view; these do.
//
//   std::string msg = StrCat(file, ":", line, ": ", reason);
//   for (std::string_view part : Split("a\tb", '\t')) ...
//   absl::string_view key = AsAbsl(word);   // for absl containers' lookups
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"

namespace quotematch {

inline absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view AsStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

namespace strings_internal {
inline void Append(std::string* out, std::string_view s) { out->append(s); }
inline void Append(std::string* out, absl::string_view s) { out->append(s.data(), s.size()); }
inline void Append(std::string* out, const char* s) { out->append(s); }
inline void Append(std::string* out, const std::string& s) { out->append(s); }
inline void Append(std::string* out, char c) { out->push_back(c); }
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
void Append(std::string* out, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, r.ptr);
  } else {
    out->append(std::to_string(v));
  }
}
}  // namespace strings_internal

// Concatenates strings, characters and numbers.
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::Append(&out, args), ...);
  return out;
}

// Splits on `sep`; empty pieces are kept unless `skip_empty`.
std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty = false);

// Splits on every occurrence of `sep` (a string); empty pieces are kept.
std::vector<std::string> StrSplit(std::string_view s, std::string_view sep);

// Joins with `sep`.
std::string StrJoin(const std::vector<std::string>& parts, std::string_view sep);

// Strips ASCII whitespace from both ends (or the end only).
std::string_view Strip(std::string_view s);
std::string_view StripTrailing(std::string_view s);

inline bool StartsWith(std::string_view s, std::string_view p) { return s.starts_with(p); }
inline bool EndsWith(std::string_view s, std::string_view p) { return s.ends_with(p); }

// Parses a whole decimal floating-point number; false on any junk.
bool ParseDouble(std::string_view s, double* out);

// `s` as a JSON string literal, quotes included (control characters as \uXXXX).
std::string JsonQuote(std::string_view s);

// The name of a status code, "OK" … "UNAUTHENTICATED" (absl::StatusCode and
// grpc::StatusCode share the values 0–16); "UNKNOWN" for any other value.
std::string_view StatusCodeName(int code);

}  // namespace quotematch
