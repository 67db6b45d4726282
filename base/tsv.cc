#include "base/tsv.h"

#include "base/strings.h"
#include "base/utf8.h"

namespace quotematch {

absl::Status TsvRecord::Error(std::string_view message) const {
  return absl::InvalidArgumentError(StrCat(file, ":", line, ": ", message));
}

absl::Status ForEachTsvRecord(std::string_view text, std::string_view file, size_t min_fields,
                              size_t max_fields,
                              const std::function<absl::Status(const TsvRecord&)>& fn) {
  TsvRecord record;
  record.file = file;
  for (std::string_view line : Split(text, '\n')) {
    ++record.line;
    if (FirstInvalidUtf8(line) != std::string_view::npos) return record.Error("invalid UTF-8");
    // A '#' starts a comment only at the start of a line or a field, so a
    // hashtag inside a phrase is data.
    std::string_view body = line;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == '\t' || line[i - 1] == ' ')) {
        body = line.substr(0, i);
        break;
      }
    }
    body = StripTrailing(body);
    if (Strip(body).empty()) continue;
    record.fields.clear();
    for (std::string_view f : Split(body, '\t')) {
      record.fields.push_back(Strip(f));
    }
    if (record.fields.size() < min_fields || record.fields.size() > max_fields) {
      return record.Error(StrCat("expected ", min_fields,
                                       min_fields == max_fields ? "" : StrCat("-", max_fields),
                                       " fields, got ", record.fields.size()));
    }
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (record.fields[i].empty()) return record.Error(StrCat("field ", i + 1, " is empty"));
    }
    if (absl::Status s = fn(record); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace quotematch
