#include "server/convert.h"

#include "base/strings.h"
#include "server/status_details.h"

namespace quotematch {
namespace {

void SpanToProto(Span s, v1::Span* out) {
  out->set_begin(s.begin);
  out->set_end(s.end);
}

v1::StatementKind KindToProto(StatementKind k) {
  switch (k) {
    case StatementKind::kDirect: return v1::STATEMENT_KIND_DIRECT;
    case StatementKind::kColon: return v1::STATEMENT_KIND_COLON;
    case StatementKind::kReported: return v1::STATEMENT_KIND_REPORTED;
    case StatementKind::kAccordingTo: return v1::STATEMENT_KIND_ACCORDING_TO;
  }
  return v1::STATEMENT_KIND_UNSPECIFIED;
}

v1::EvidenceKind EvidenceKindToProto(EvidenceKind k) {
  switch (k) {
    case EvidenceKind::kLexical: return v1::EVIDENCE_KIND_LEXICAL;
    case EvidenceKind::kName: return v1::EVIDENCE_KIND_NAME;
    case EvidenceKind::kNumber: return v1::EVIDENCE_KIND_NUMBER;
    case EvidenceKind::kSpeaker: return v1::EVIDENCE_KIND_SPEAKER;
    case EvidenceKind::kDate: return v1::EVIDENCE_KIND_DATE;
  }
  return v1::EVIDENCE_KIND_UNSPECIFIED;
}

v1::TokenKind TokenKindToProto(TokenKind k) {
  switch (k) {
    case TokenKind::kWord: return v1::TOKEN_KIND_WORD;
    case TokenKind::kNumber: return v1::TOKEN_KIND_NUMBER;
    case TokenKind::kPunctuation: return v1::TOKEN_KIND_PUNCTUATION;
    case TokenKind::kUrl: return v1::TOKEN_KIND_URL;
    case TokenKind::kEmail: return v1::TOKEN_KIND_EMAIL;
    case TokenKind::kMention: return v1::TOKEN_KIND_MENTION;
    case TokenKind::kHashtag: return v1::TOKEN_KIND_HASHTAG;
    case TokenKind::kSymbol: return v1::TOKEN_KIND_SYMBOL;
  }
  return v1::TOKEN_KIND_UNSPECIFIED;
}

// The segments of an offset map as runs (a deletion has an empty output).
void MapToProto(const OffsetMap& map, google::protobuf::RepeatedPtrField<v1::OffsetRun>* out) {
  for (const OffsetMap::Segment& s : map.segments()) {
    v1::OffsetRun* run = out->Add();
    SpanToProto({s.out_begin, s.out_end}, run->mutable_output());
    SpanToProto({s.in_begin, s.in_end}, run->mutable_original());
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share values 0–16 by design.
  // An invalid field or an exceeded limit also gets its google.rpc details.
  return WithFieldDetails(grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                                       std::string(AsStd(status.message()))));
}

absl::StatusOr<Language> LanguageFromProto(int value, std::string_view field) {
  switch (value) {
    case v1::LANGUAGE_UNSPECIFIED: return Language::kUnspecified;
    case v1::LANGUAGE_ENGLISH: return Language::kEnglish;
    case v1::LANGUAGE_PERSIAN: return Language::kPersian;
  }
  return absl::InvalidArgumentError(StrCat(field, ": unknown value ", value));
}

v1::Language LanguageToProto(Language language) {
  switch (language) {
    case Language::kEnglish: return v1::LANGUAGE_ENGLISH;
    case Language::kPersian: return v1::LANGUAGE_PERSIAN;
    default: return v1::LANGUAGE_UNSPECIFIED;
  }
}

absl::StatusOr<Document> DocumentFromProto(const v1::Document& doc, std::string_view field) {
  Document out;
  auto language = LanguageFromProto(doc.language(), StrCat(field, ".language"));
  if (!language.ok()) return language.status();
  out.id = doc.id();
  out.language = *language;
  out.text = doc.text();
  if (doc.has_published_time()) out.published_unix_seconds = doc.published_time().seconds();
  out.source = doc.source();
  return out;
}

void DocumentToProto(const Document& doc, v1::Document* out) {
  out->set_id(doc.id);
  out->set_language(LanguageToProto(doc.language));
  out->set_text(doc.text);
  if (doc.published_unix_seconds) out->mutable_published_time()->set_seconds(*doc.published_unix_seconds);
  out->set_source(doc.source);
}

void StatementToProto(const Statement& s, v1::Statement* out) {
  out->set_id(s.id);
  out->set_document_id(s.document_id);
  out->set_language(LanguageToProto(s.language));
  out->set_kind(KindToProto(s.kind));
  out->set_content(s.content);
  SpanToProto(s.content_span, out->mutable_content_span());
  out->set_speaker(s.speaker);
  if (s.speaker_span) SpanToProto(*s.speaker_span, out->mutable_speaker_span());
  out->set_cue(s.cue);
  if (s.cue_span) SpanToProto(*s.cue_span, out->mutable_cue_span());
  SpanToProto(s.sentence_span, out->mutable_sentence_span());
  out->set_confidence(s.confidence);
  out->set_cue_lemma(s.cue_lemma);
  out->set_speaker_role(s.speaker_role);
  out->set_speaker_status(static_cast<v1::SpeakerStatus>(static_cast<int>(s.speaker_status)));
  if (s.speaker_name_span) SpanToProto(*s.speaker_name_span, out->mutable_speaker_name_span());
  for (const Span& p : s.content_parts) SpanToProto(p, out->add_content_parts());
  for (const Span& f : s.fragments) SpanToProto(f, out->add_fragments());
}

void PairToProto(const PairResult& p, v1::QuotePair* out) {
  StatementToProto(p.english, out->mutable_english());
  StatementToProto(p.persian, out->mutable_persian());
  out->set_score(p.score);
  for (const Evidence& e : p.evidence) {
    v1::Evidence* ev = out->add_evidence();
    ev->set_kind(EvidenceKindToProto(e.kind));
    ev->set_english_term(e.english_term);
    SpanToProto(e.english_span, ev->mutable_english_span());
    ev->set_persian_term(e.persian_term);
    SpanToProto(e.persian_span, ev->mutable_persian_span());
    ev->set_weight(e.weight);
  }
  for (const FeatureContribution& c : p.contributions) {
    v1::FeatureContribution* fc = out->add_contributions();
    fc->set_feature(c.feature);
    fc->set_value(c.value);
    fc->set_contribution(c.contribution);
  }
}

void NormalizedToProto(const NormalizedText& t, v1::NormalizeResponse* out) {
  out->set_language(LanguageToProto(t.language));
  out->set_display(t.display);
  out->set_key(t.key);
  for (const Token& tok : t.tokens) {
    v1::Token* p = out->add_tokens();
    p->set_key(tok.key);
    SpanToProto(tok.original, p->mutable_span());
    p->set_kind(TokenKindToProto(tok.kind));
    p->set_number_value(tok.number);
    SpanToProto(tok.display, p->mutable_display_span());
    SpanToProto(tok.key_span, p->mutable_key_span());
    p->set_script(tok.script == Script::kLatin    ? v1::SCRIPT_LATIN
                  : tok.script == Script::kArabic ? v1::SCRIPT_ARABIC
                                                  : v1::SCRIPT_UNSPECIFIED);
  }
  for (const Quantity& q : t.quantities) {
    v1::Quantity* p = out->add_quantities();
    SpanToProto(q.original, p->mutable_span());
    p->set_value(q.value);
    p->set_first_token(q.first_token);
    p->set_token_count(q.token_count);
    p->set_ordinal(q.ordinal);
  }
  for (const CalendarDate& d : t.dates) {
    v1::CalendarDate* p = out->add_dates();
    SpanToProto(d.original, p->mutable_span());
    p->set_year(d.year);
    p->set_month(d.month);
    p->set_day(d.day);
    p->set_solar_hijri(d.solar_hijri);
    p->set_written_year(d.written_year);
    p->set_written_month(d.written_month);
    p->set_written_day(d.written_day);
  }
  MapToProto(t.display_map, out->mutable_display_map());
  MapToProto(t.key_map, out->mutable_key_map());
}

std::vector<v1::AlignDocumentsResponse> AlignmentToProto(const AlignResult& r) {
  std::vector<v1::AlignDocumentsResponse> out(r.pairs.size() + 1);
  for (size_t i = 0; i < r.pairs.size(); ++i) PairToProto(r.pairs[i], out[i].mutable_pair());
  v1::AlignmentSummary* summary = out.back().mutable_summary();
  summary->set_pair_count(static_cast<uint32_t>(r.pairs.size()));
  for (const Statement& s : r.unmatched_english) StatementToProto(s, summary->add_unmatched_english());
  for (const Statement& s : r.unmatched_persian) StatementToProto(s, summary->add_unmatched_persian());
  return out;
}

void MatchEventToProto(const MatchEvent& e, v1::MatchEvent* out) {
  out->set_sequence(e.sequence);
  out->set_type(e.type == MatchEventType::kAdded        ? v1::MATCH_EVENT_TYPE_ADDED
                : e.type == MatchEventType::kSuperseded ? v1::MATCH_EVENT_TYPE_SUPERSEDED
                                                        : v1::MATCH_EVENT_TYPE_RETRACTED);
  const Match& m = e.match;
  out->set_match_id(m.id);
  out->set_english_statement_id(m.english_statement);
  out->set_persian_statement_id(m.persian_statement);
  out->set_english_document_id(m.english_document);
  out->set_persian_document_id(m.persian_document);
  out->set_score(m.score);
  out->set_speaker(m.speaker);
  out->set_source(m.source);
  out->set_new_side(LanguageToProto(m.new_side));
  out->set_recorded_unix_micros(e.recorded_unix_micros);
}

}  // namespace quotematch
