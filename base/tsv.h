// File: base/tsv.h
//
// Reads the project's data files: UTF-8 text, one record per line, fields
// separated by tabs, '#' starting a comment (whole line, or after the
// fields), blank lines ignored.
//
//   RETURN_IF_ERROR(ForEachTsvRecord(text, "cues_en.tsv", 2, 2,
//       [&](const TsvRecord& r) -> absl::Status { ...; return absl::OkStatus(); }));
//
// Errors name the file and line: "cues_en.tsv:12: expected 2 fields, got 1".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace quotematch {

struct TsvRecord {
  std::string_view file;
  int line = 0;
  std::vector<std::string_view> fields;  // whitespace-trimmed
  // "file:line: " + message, as an InvalidArgument status.
  absl::Status Error(std::string_view message) const;
};

// Calls `fn` for every record with between `min_fields` and `max_fields`
// fields; any other count, invalid UTF-8, an empty field, or an error from
// `fn` stops the walk and is returned.
absl::Status ForEachTsvRecord(std::string_view text, std::string_view file, size_t min_fields,
                              size_t max_fields,
                              const std::function<absl::Status(const TsvRecord&)>& fn);

}  // namespace quotematch
