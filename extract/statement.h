// File: extract/statement.h
//
// Documents and the statements found in them. Plain structs; every span is
// a byte range of the document's original `text`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "normalize/types.h"

namespace quotematch {

struct Document {
  std::string id;
  Language language = Language::kUnspecified;
  std::string text;                          // original UTF-8 bytes
  std::optional<int64_t> published_unix_seconds;
  std::string source;
};

enum class StatementKind { kDirect = 1, kColon = 2, kReported = 3, kAccordingTo = 4 };

struct Statement {
  std::string id;           // "<document id>#<index>"
  std::string document_id;
  Language language = Language::kUnspecified;
  StatementKind kind = StatementKind::kDirect;
  std::string content;      // display form, without quote marks
  Span content_span;
  std::string speaker;      // canonical name; empty when unknown
  std::optional<Span> speaker_span;
  std::string cue;          // as written; empty when none
  std::string cue_lemma;
  std::optional<Span> cue_span;
  Span sentence_span;
  double confidence = 0;
};

}  // namespace quotematch
