// File: extract/statement.h
//
// Documents and the statements found in them. Plain structs; every span is
// a byte range of the document's original `text`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// How the speaker of a statement was found.
enum class SpeakerStatus {
  kNone = 0,        // no speaker phrase at all (a quote with no attribution)
  kNamed = 1,       // named in the attribution
  kResolved = 2,    // a pronoun, resolved to an earlier named speaker
  kUnresolved = 3,  // a pronoun with no compatible earlier speaker
  kUnnamed = 4,     // a description without a name ("an official")
  kInherited = 5,   // no attribution of its own: the previous speaker goes on
};

struct Statement {
  std::string id;           // "<document id>#<index>"
  std::string document_id;
  Language language = Language::kUnspecified;
  StatementKind kind = StatementKind::kDirect;
  std::string content;      // display form, without quote marks; parts joined by a space
  Span content_span;        // from the first part's start to the last part's end
  std::vector<Span> content_parts;   // the pieces of an interrupted or multi-paragraph quote
  std::vector<Span> fragments;       // quoted words inside a reported statement
  std::string speaker;      // canonical name; empty when unknown
  std::optional<Span> speaker_span;  // the speaker phrase as written (or the pronoun)
  std::optional<Span> speaker_name_span;  // the name within it (unset for a pronoun or a description)
  std::string speaker_role; // titles and roles separated from the name
  SpeakerStatus speaker_status = SpeakerStatus::kNone;
  std::string cue;          // as written; empty when none
  std::string cue_lemma;
  std::optional<Span> cue_span;
  Span sentence_span;
  double confidence = 0;
};

}  // namespace quotematch
