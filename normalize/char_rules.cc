#include "normalize/char_rules.h"

#include <cstdlib>

#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "qm_data.h"

namespace quotematch {
namespace {

// Parses "=", "-" or a space-separated list of code points.
bool ParseTarget(std::string_view field, char32_t source, std::string* out) {
  field = Strip(field);
  if (field == "=") {
    AppendUtf8(source, out);
    return true;
  }
  if (field == "-") return true;
  for (std::string_view part : Split(field, ' ', true)) {
    char32_t c;
    if (!ParseCodePoint(part, &c)) return false;
    AppendUtf8(c, out);
  }
  return !out->empty();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CharRules>> CharRules::Load(std::string_view tsv,
                                                          std::string_view file_name) {
  std::unique_ptr<CharRules> rules(new CharRules());
  absl::Status status = ForEachTsvRecord(tsv, file_name, 3, 3, [&](const TsvRecord& r) {
    char32_t source;
    if (!ParseCodePoint(r.fields[0], &source)) {
      return r.Error(StrCat("bad source code point '", r.fields[0], "'"));
    }
    if (source >= 0x10000) return r.Error("source outside the BMP");
    if (rules->index_[source] != 0) return r.Error(StrCat("duplicate rule for ", r.fields[0]));
    CharRule rule;
    if (!ParseTarget(r.fields[1], source, &rule.display)) {
      return r.Error(StrCat("bad display target '", r.fields[1], "'"));
    }
    if (!ParseTarget(r.fields[2], source, &rule.key)) {
      return r.Error(StrCat("bad key target '", r.fields[2], "'"));
    }
    if (rules->rules_.size() >= 0xFFFE) return r.Error("too many rules");
    rules->rules_.push_back(std::move(rule));
    rules->index_[source] = static_cast<uint16_t>(rules->rules_.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rules;
}

const CharRules& CharRules::Default() {
  static const CharRules* rules = [] {
    auto loaded = Load(data::kNormalizeChars, "data/normalize/chars.tsv");
    if (!loaded.ok()) {
      // The embedded table is pinned by a golden test; failing here is a
      // build defect, not a run-time condition.
      std::abort();
    }
    return loaded->release();
  }();
  return *rules;
}

}  // namespace quotematch
