// File: extract/extractor.h
//
// Extractor finds statements in a normalized document:
//   - direct quotes in “…”, «…» or "…" marks with at least three words
//     (shorter quoted strings are titles or scare quotes, not statements);
//   - Persian colon speech: a reporting verb, a colon, and unmarked speech
//     to the end of the sentence (X گفت: ...);
// and attaches to each the reporting verb (cue) of its sentence and the
// speaker next to the cue. Pronoun speakers (he, she, وی, او) resolve to the
// last named speaker of the document; when there is none the speaker stays
// empty (unknown), never invented.
//
//   const Extractor& x = Extractor::Default();
//   ASSIGN_OR_RETURN(NormalizedText t, Normalizer::Default().Normalize(doc.text, doc.language));
//   std::vector<Statement> statements = x.Extract(doc, t);
//
// Cue verbs, pronouns and speaker stop words are data (data/extract/). An
// Extractor is immutable and thread-safe after Load().
//
// Limits: an unbalanced quote mark is ignored (it never swallows text past
// the end of its paragraph); reported speech without quote marks in English
// ("X said that ...") is not extracted yet.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "extract/statement.h"
#include "normalize/types.h"

namespace quotematch {

// The data files an Extractor is built from (contents, not paths).
struct ExtractorData {
  std::string_view cues_en;       // data/extract/cues_en.tsv
  std::string_view cues_fa;       // data/extract/cues_fa.tsv
  std::string_view pronouns;      // data/extract/pronouns.tsv
  std::string_view speaker_stops_fa;  // data/extract/speaker_stops_fa.txt
  std::string_view speaker_skip_en;   // data/extract/speaker_skip_en.txt
};

class Extractor {
 public:
  // Validates and compiles the data. Errors name the file and line.
  static absl::StatusOr<std::unique_ptr<Extractor>> Load(const ExtractorData& data);
  // An Extractor over the embedded data/extract files.
  static const Extractor& Default();

  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Statements of `doc` in document order. `text` must be the normalization
  // of doc.text. Never fails: text without statements gives an empty vector.
  std::vector<Statement> Extract(const Document& doc, const NormalizedText& text) const;

  // Number of cue forms known for `language`.
  size_t CueCount(Language language) const;

 private:
  struct Cue {
    std::vector<std::string> tokens;  // match-key tokens
    std::string lemma;
  };
  Extractor() = default;

  std::vector<Cue> cues_en_, cues_fa_;
  absl::flat_hash_set<std::string> pronouns_en_, pronouns_fa_;
  absl::flat_hash_set<std::string> speaker_stops_fa_;
  absl::flat_hash_set<std::string> speaker_skip_en_;

  friend class ExtractRun;
};

}  // namespace quotematch
