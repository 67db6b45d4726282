#include "pipeline/engine.h"

#include <algorithm>

#include "base/strings.h"
#include "base/status_macros.h"
#include "base/utf8.h"

namespace quotematch {
namespace {

PairResult MakePair(const AnalyzedDocument& en, const AnalyzedDocument& fa, ScoredPair p,
                    size_t en_index, size_t fa_index) {
  PairResult r;
  r.english = en.statements[en_index];
  r.persian = fa.statements[fa_index];
  r.score = p.score;
  r.evidence = std::move(p.evidence);
  r.contributions = std::move(p.contributions);
  return r;
}

}  // namespace

Engine::Engine(EngineOptions options)
    : Engine(options, Normalizer::Default(), Extractor::Default(), Aligner::Default()) {}

Engine::Engine(EngineOptions options, const Normalizer& normalizer, const Extractor& extractor,
               const Aligner& aligner)
    : options_(options), normalizer_(normalizer), extractor_(extractor), aligner_(aligner) {}

absl::StatusOr<NormalizedText> Engine::Normalize(std::string_view text, Language language,
                                                 std::string_view field) const {
  if (text.empty()) return absl::InvalidArgumentError(StrCat(field, ": must not be empty"));
  if (text.size() > options_.max_document_bytes) {
    return absl::ResourceExhaustedError(StrCat(field, ": ", text.size(),
                                                     " bytes exceeds the limit of ",
                                                     options_.max_document_bytes));
  }
  auto out = normalizer_.Normalize(text, language);
  if (!out.ok()) {
    return absl::Status(out.status().code(), StrCat(field, ": ", AsStd(out.status().message())));
  }
  return out;
}

absl::Status Engine::Validate(const Document& doc, std::string_view field) const {
  RETURN_IF_ERROR(ValidateFields(doc, field));
  if (size_t bad = FirstInvalidUtf8(doc.text); bad != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat(field, ".text: invalid UTF-8 at byte ", bad));
  }
  return absl::OkStatus();
}

absl::Status Engine::ValidateFields(const Document& doc, std::string_view field) const {
  if (doc.id.empty()) return absl::InvalidArgumentError(StrCat(field, ".id: must not be empty"));
  if (doc.id.size() > options_.max_id_bytes) {
    return absl::InvalidArgumentError(
        StrCat(field, ".id: longer than ", options_.max_id_bytes, " bytes"));
  }
  if (FirstInvalidUtf8(doc.id) != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat(field, ".id: invalid UTF-8"));
  }
  if (doc.id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(StrCat(field, ".id: NUL character (U+0000)"));
  }
  if (doc.source.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(StrCat(field, ".source: NUL character (U+0000)"));
  }
  if (doc.language != Language::kEnglish && doc.language != Language::kPersian) {
    return absl::InvalidArgumentError(
        StrCat(field, ".language: must be LANGUAGE_ENGLISH or LANGUAGE_PERSIAN"));
  }
  if (doc.text.empty()) return absl::InvalidArgumentError(StrCat(field, ".text: must not be empty"));
  // U+0000 is no part of an article, and a store's text columns
  // (PostgreSQL TEXT) cannot hold it: refused here, the same everywhere.
  if (size_t nul = doc.text.find('\0'); nul != std::string::npos) {
    return absl::InvalidArgumentError(StrCat(field, ".text: NUL character (U+0000) at byte ", nul));
  }
  if (doc.text.size() > options_.max_document_bytes) {
    return absl::ResourceExhaustedError(StrCat(field, ".text: ", doc.text.size(),
                                                     " bytes exceeds the limit of ",
                                                     options_.max_document_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Statement>> Engine::Extract(const Document& doc,
                                                       std::string_view field) const {
  // The text's encoding is checked by normalization, with the same message.
  RETURN_IF_ERROR(ValidateFields(doc, field));
  ASSIGN_OR_RETURN(NormalizedText text,
                   Normalize(doc.text, doc.language, StrCat(field, ".text")));
  std::vector<Statement> statements = extractor_.Extract(doc, text);
  RETURN_IF_ERROR(CheckStatementCount(statements.size(), field));
  return statements;
}

absl::Status Engine::CheckStatementCount(size_t count, std::string_view field) const {
  if (count <= options_.max_statements_per_document) return absl::OkStatus();
  return absl::ResourceExhaustedError(StrCat(field, ".text: ", count, " statements exceeds the limit of ",
                                             options_.max_statements_per_document, " per document"));
}

absl::StatusOr<std::unique_ptr<AnalyzedDocument>> Engine::Analyze(Document doc,
                                                                  std::string_view field) const {
  // The text's encoding is checked by normalization, with the same message.
  RETURN_IF_ERROR(ValidateFields(doc, field));
  auto out = std::make_unique<AnalyzedDocument>();
  ASSIGN_OR_RETURN(out->text, Normalize(doc.text, doc.language, StrCat(field, ".text")));
  out->document = std::move(doc);
  out->statements = extractor_.Extract(out->document, out->text);
  RETURN_IF_ERROR(CheckStatementCount(out->statements.size(), field));
  out->features.reserve(out->statements.size());
  for (const Statement& s : out->statements) {
    out->features.push_back(aligner_.Featurize(out->document, out->text, s));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<AnalyzedDocument>> Engine::Reanalyze(Document doc,
                                                                    std::vector<Statement> statements) const {
  auto out = std::make_unique<AnalyzedDocument>();
  ASSIGN_OR_RETURN(out->text, Normalize(doc.text, doc.language, "document.text"));
  out->document = std::move(doc);
  out->statements = std::move(statements);
  out->features.reserve(out->statements.size());
  for (const Statement& s : out->statements) {
    if (s.content_span.end > out->document.text.size()) {
      return absl::DataLossError(StrCat("stored statement ", s.id, " lies outside its document"));
    }
    out->features.push_back(aligner_.Featurize(out->document, out->text, s));
  }
  return out;
}

absl::StatusOr<double> Engine::ResolveMinScore(double min_score, std::string_view field) const {
  if (!(min_score >= 0.0 && min_score <= 1.0)) {  // also rejects NaN
    return absl::InvalidArgumentError(StrCat(field, ": must be in [0, 1], got ", min_score));
  }
  return min_score == 0.0 ? options_.default_min_score : min_score;
}

absl::StatusOr<AlignResult> Engine::Align(Document english, Document persian,
                                          double min_score) const {
  ASSIGN_OR_RETURN(double threshold, ResolveMinScore(min_score, "min_score"));
  if (english.language != Language::kEnglish) {
    return absl::InvalidArgumentError("english.language: must be LANGUAGE_ENGLISH");
  }
  if (persian.language != Language::kPersian) {
    return absl::InvalidArgumentError("persian.language: must be LANGUAGE_PERSIAN");
  }
  ASSIGN_OR_RETURN(auto en, Analyze(std::move(english), "english"));
  ASSIGN_OR_RETURN(auto fa, Analyze(std::move(persian), "persian"));
  Alignment a = aligner_.AlignDocuments(en->features, fa->features, threshold);
  AlignResult out;
  for (ScoredPair& p : a.pairs) {
    size_t i = p.english, j = p.persian;
    out.pairs.push_back(MakePair(*en, *fa, std::move(p), i, j));
  }
  for (size_t i : a.unmatched_english) out.unmatched_english.push_back(en->statements[i]);
  for (size_t j : a.unmatched_persian) out.unmatched_persian.push_back(fa->statements[j]);
  return out;
}

absl::StatusOr<SessionUpdate> MatchSession::Add(Document doc, std::string_view field) {
  if (ids_.contains(doc.id)) {
    return absl::InvalidArgumentError(
        StrCat(field, ".id: '", doc.id, "' was already sent in this session"));
  }
  ASSIGN_OR_RETURN(auto added, engine_.Analyze(std::move(doc), field));
  const bool english = added->document.language == Language::kEnglish;
  const size_t new_doc = documents_.size();

  // Candidates: each new statement against every unpaired statement of the
  // other language.
  struct Candidate {
    ScoredPair pair;
    size_t other_doc;
  };
  std::vector<Candidate> candidates;
  for (size_t s = 0; s < added->features.size(); ++s) {
    for (size_t d = 0; d < documents_.size(); ++d) {
      const AnalyzedDocument& other = *documents_[d];
      if (other.document.language == added->document.language) continue;
      for (size_t o = 0; o < other.features.size(); ++o) {
        if (paired_.contains(other.statements[o].id)) continue;
        ScoredPair p = english ? engine_.aligner().Score(added->features[s], other.features[o])
                               : engine_.aligner().Score(other.features[o], added->features[s]);
        if (p.score < min_score_) continue;
        p.english = english ? s : o;
        p.persian = english ? o : s;
        candidates.push_back({std::move(p), d});
      }
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.pair.score > b.pair.score;
  });

  SessionUpdate update;
  update.document_id = added->document.id;
  update.statement_count = added->statements.size();
  ids_.insert(added->document.id);
  documents_.push_back(std::move(added));
  const AnalyzedDocument& fresh = *documents_[new_doc];
  for (Candidate& c : candidates) {
    const AnalyzedDocument& other = *documents_[c.other_doc];
    const AnalyzedDocument& en = english ? fresh : other;
    const AnalyzedDocument& fa = english ? other : fresh;
    const std::string& en_id = en.statements[c.pair.english].id;
    const std::string& fa_id = fa.statements[c.pair.persian].id;
    if (paired_.contains(en_id) || paired_.contains(fa_id)) continue;
    paired_.insert(en_id);
    paired_.insert(fa_id);
    size_t i = c.pair.english, j = c.pair.persian;
    update.new_pairs.push_back(MakePair(en, fa, std::move(c.pair), i, j));
  }
  return update;
}

}  // namespace quotematch
