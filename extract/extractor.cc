#include "extract/extractor.h"

#include <algorithm>
#include <cstdlib>

#include "base/strings.h"
#include "base/status_macros.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "normalize/normalizer.h"
#include "normalize/sentences.h"
#include "normalize/unicode.h"
#include "qm_data.h"

namespace quotematch {
namespace {

// Content shorter than this many words is a title or a scare quote.
constexpr int kMinStatementWords = 3;

struct QuoteMarks {
  char32_t open;
  char32_t close;
};
constexpr QuoteMarks kQuoteMarks[] = {
    {U'\u201C', U'\u201D'},  // “ ”
    {U'\u00AB', U'\u00BB'},  // « »
    {U'"', U'"'},
};

// A quoted region of the display text: marks included in [open, close_end),
// content in [content_begin, content_end).
struct Quote {
  uint32_t open, content_begin, content_end, close_end;
};

// Finds balanced quotes in `display`. An opening mark whose closing mark does
// not occur before the end of its paragraph is skipped.
std::vector<Quote> FindQuotes(std::string_view display) {
  std::vector<Quote> quotes;
  size_t i = 0;
  while (i < display.size()) {
    size_t at = i;
    char32_t c = DecodeUtf8(display, &i);
    const QuoteMarks* marks = nullptr;
    for (const auto& m : kQuoteMarks) {
      if (m.open == c) marks = &m;
    }
    if (marks == nullptr) continue;
    size_t j = i;
    bool closed = false;
    while (j < display.size()) {
      size_t mark_at = j;
      char32_t d = DecodeUtf8(display, &j);
      if (d == '\n') break;
      if (d == marks->close) {
        quotes.push_back(Quote{static_cast<uint32_t>(at), static_cast<uint32_t>(i),
                               static_cast<uint32_t>(mark_at), static_cast<uint32_t>(j)});
        closed = true;
        break;
      }
    }
    if (closed) i = quotes.back().close_end;
  }
  return quotes;
}

// Shrinks `s` (a range of `text`) past leading and trailing whitespace.
Span TrimSpace(std::string_view text, Span s) {
  while (s.begin < s.end && (text[s.begin] == ' ' || text[s.begin] == '\n')) ++s.begin;
  while (s.end > s.begin && (text[s.end - 1] == ' ' || text[s.end - 1] == '\n')) --s.end;
  return s;
}

// Also drops a trailing comma ("...continue," he said): English puts the
// comma of the attribution inside the quote marks; it is not content.
Span TrimContent(std::string_view text, Span s) {
  s = TrimSpace(text, s);
  if (s.end > s.begin && text[s.end - 1] == ',') --s.end;
  else if (s.size() >= 2 && text.substr(s.end - 2, 2) == "\xD8\x8C") s.end -= 2;  // ،
  return TrimSpace(text, s);
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool IsWord(const Token& t) { return t.kind == TokenKind::kWord; }

}  // namespace

// One extraction over one document: holds the per-document state (token
// flags, the last named speaker) so that Extractor itself stays immutable.
class ExtractRun {
 public:
  ExtractRun(const Extractor& x, const Document& doc, const NormalizedText& text)
      : x_(x), doc_(doc), text_(text), persian_(text.language == Language::kPersian) {}

  std::vector<Statement> Run() {
    const std::string& display = text_.display;
    std::vector<Span> sentences = SplitSentences(display, text_.language);
    std::vector<Quote> quotes = FindQuotes(display);
    const auto& tokens = text_.tokens;
    in_quote_.assign(tokens.size(), false);
    for (const Quote& q : quotes) {
      Span orig = text_.DisplayToOriginal({q.open, q.close_end});
      auto [first, last] = TokensWithin(orig);
      for (size_t k = first; k < last; ++k) in_quote_[k] = true;
    }

    struct Found {
      Span content_display;
      Span frame_display;
      StatementKind kind;
      std::optional<size_t> forced_cue;  // colon speech: the cue before the colon
    };
    std::vector<Found> found;
    for (const Quote& q : quotes) {
      Span content = TrimContent(display, {q.content_begin, q.content_end});
      found.push_back({content, Frame(sentences, {q.open, q.close_end}), StatementKind::kDirect, {}});
    }
    if (persian_) FindColonSpeech(sentences, &found);
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
      return a.content_display.begin < b.content_display.begin;
    });

    std::vector<Statement> out;
    for (const Found& f : found) {
      Span content_orig = text_.DisplayToOriginal(f.content_display);
      if (WordsIn(content_orig) < kMinStatementWords) continue;
      Statement s;
      s.document_id = doc_.id;
      s.id = StrCat(doc_.id, "#", out.size());
      s.language = text_.language;
      s.kind = f.kind;
      s.content = CollapseSpaces(
          std::string_view(display).substr(f.content_display.begin, f.content_display.size()));
      s.content_span = content_orig;
      s.sentence_span = text_.DisplayToOriginal(f.frame_display);
      Attribute(f.forced_cue, content_orig, s.sentence_span, &s);
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  // The sentences that overlap `range` (display bytes), joined.
  static Span Frame(const std::vector<Span>& sentences, Span range) {
    Span frame = range;
    for (const Span& s : sentences) {
      if (s.end > range.begin && s.begin < range.end) {
        frame.begin = std::min(frame.begin, s.begin);
        frame.end = std::max(frame.end, s.end);
      }
    }
    return frame;
  }

  // The tokens [first, last) that lie inside `orig` (tokens are sorted by
  // their original offsets), found by binary search.
  std::pair<size_t, size_t> TokensWithin(Span orig) const {
    const auto& tokens = text_.tokens;
    auto lo = std::lower_bound(tokens.begin(), tokens.end(), orig.begin,
                               [](const Token& t, uint32_t pos) { return t.original.begin < pos; });
    auto hi = std::lower_bound(lo, tokens.end(), orig.end,
                               [](const Token& t, uint32_t pos) { return t.original.end <= pos; });
    return {static_cast<size_t>(lo - tokens.begin()), static_cast<size_t>(hi - tokens.begin())};
  }

  size_t WordsIn(Span orig) const {
    auto [first, last] = TokensWithin(orig);
    size_t n = 0;
    for (size_t k = first; k < last; ++k) n += IsWord(text_.tokens[k]);
    return n;
  }

  // Persian "X گفت: speech." without quote marks: a cue token followed by a
  // ':' token, then text that is not a quote, to the end of the sentence.
  template <typename FoundVec>
  void FindColonSpeech(const std::vector<Span>& sentences, FoundVec* found) {
    const auto& tokens = text_.tokens;
    for (size_t k = 0; k + 1 < tokens.size(); ++k) {
      if (in_quote_[k]) continue;
      size_t len = MatchCueAt(k);
      if (len == 0 || k + len >= tokens.size()) continue;
      const Token& colon = tokens[k + len];
      if (colon.key != ":") continue;
      if (k + len + 1 < tokens.size() && in_quote_[k + len + 1]) continue;  // «...» follows
      // Display position after the colon: find the display byte whose source
      // is the colon's original span.
      uint32_t after_colon = DisplayEndOf(colon.original);
      Span frame = Frame(sentences, {after_colon, after_colon + 1});
      uint32_t end = frame.end;
      // A colon-speech statement ends at its paragraph's end at the latest.
      size_t nl = text_.display.find('\n', after_colon);
      if (nl != std::string::npos && nl < end) end = static_cast<uint32_t>(nl);
      Span content = TrimSpace(text_.display, {after_colon, end});
      if (content.empty()) continue;
      Span sentence = Frame(sentences, {DisplayBeginOf(tokens[k].original), end});
      found->push_back({content, sentence, StatementKind::kColon, k});
    }
  }

  uint32_t DisplayEndOf(Span orig) const { return text_.OriginalToDisplay(orig).end; }
  uint32_t DisplayBeginOf(Span orig) const { return text_.OriginalToDisplay(orig).begin; }

  const std::vector<Extractor::Cue>& Cues() const { return persian_ ? x_.cues_fa_ : x_.cues_en_; }

  // Length in tokens of the longest cue starting at token k, or 0.
  size_t MatchCueAt(size_t k) const {
    const auto& tokens = text_.tokens;
    size_t best = 0;
    for (const auto& cue : Cues()) {
      size_t n = cue.tokens.size();
      if (n <= best || k + n > tokens.size()) continue;
      bool ok = true;
      for (size_t i = 0; i < n && ok; ++i) ok = tokens[k + i].key == cue.tokens[i] && !in_quote_[k + i];
      if (ok) best = n;
    }
    return best;
  }

  const Extractor::Cue* CueAt(size_t k, size_t len) const {
    for (const auto& cue : Cues()) {
      if (cue.tokens.size() != len) continue;
      bool ok = true;
      for (size_t i = 0; i < len && ok; ++i) ok = text_.tokens[k + i].key == cue.tokens[i];
      if (ok) return &cue;
    }
    return nullptr;
  }

  bool IsPronoun(const Token& t) const {
    return (persian_ ? x_.pronouns_fa_ : x_.pronouns_en_).contains(t.key);
  }

  // Finds the cue of a statement and the speaker next to it.
  void Attribute(std::optional<size_t> forced_cue, Span content, Span sentence, Statement* s) {
    const auto& tokens = text_.tokens;
    size_t cue_k = 0, cue_len = 0;
    if (forced_cue) {
      cue_k = *forced_cue;
      cue_len = MatchCueAt(cue_k);
    } else {
      // The cue nearest to the content, outside every quote, in the sentence.
      uint32_t best_distance = UINT32_MAX;
      auto [first, last] = TokensWithin(sentence);
      for (size_t k = first; k < last; ++k) {
        const Span& o = tokens[k].original;
        if (in_quote_[k] || content.Contains(o)) continue;
        size_t len = MatchCueAt(k);
        if (len == 0) continue;
        uint32_t d = o.begin >= content.end ? o.begin - content.end : content.begin - std::min(content.begin, tokens[k + len - 1].original.end);
        if (d < best_distance) {
          best_distance = d;
          cue_k = k;
          cue_len = len;
        }
      }
    }
    if (cue_len == 0) {
      s->confidence = 0.6;
      return;
    }
    const Extractor::Cue* cue = CueAt(cue_k, cue_len);
    Span cue_span{tokens[cue_k].original.begin, tokens[cue_k + cue_len - 1].original.end};
    s->cue_span = cue_span;
    s->cue = CollapseSpaces(std::string_view(doc_.text).substr(cue_span.begin, cue_span.size()));
    s->cue_lemma = cue ? cue->lemma : "";

    std::optional<std::pair<size_t, size_t>> speaker =
        persian_ ? PersianSpeaker(cue_k, sentence) : EnglishSpeaker(cue_k, cue_len, sentence, content);
    if (!speaker) {
      s->confidence = 0.7;
      return;
    }
    auto [first, last] = *speaker;
    Span span{tokens[first].original.begin, tokens[last].original.end};
    s->speaker_span = span;
    if (first == last && IsPronoun(tokens[first])) {
      s->speaker = last_speaker_;  // empty when unresolved
      s->confidence = last_speaker_.empty() ? 0.7 : 0.85;
      return;
    }
    auto display = Normalizer::Default().Normalize(
        std::string_view(doc_.text).substr(span.begin, span.size()), text_.language);
    s->speaker = display.ok() ? CollapseSpaces(display->display) : "";
    last_speaker_ = s->speaker;
    s->confidence = 0.95;
  }

  // English: a run of capitalized words (or a pronoun) right before the cue
  // ("Foreign Minister Abbas Araghchi said"), possibly with adverbs between
  // ("Malik also stressed") or an apposition ("Sara Khan, a security
  // analyst, said"); or right after the cue ("said Araghchi"). A leading
  // determiner is not part of the name.
  std::optional<std::pair<size_t, size_t>> EnglishSpeaker(size_t cue_k, size_t cue_len,
                                                           Span sentence, Span content) const {
    const auto& tokens = text_.tokens;
    auto usable = [&](size_t k) {
      return k < tokens.size() && sentence.Contains(tokens[k].original) && !in_quote_[k] &&
             !content.Contains(tokens[k].original);
    };
    auto is_name_word = [&](size_t k) {
      return usable(k) && IsWord(tokens[k]) && tokens[k].capitalized;
    };
    auto run_back = [&](size_t last) {
      size_t first = last;
      while (first > 0 && is_name_word(first - 1)) --first;
      if (tokens[first].key == "the" && first < last) ++first;
      return std::make_pair(first, last);
    };
    auto is_comma = [&](size_t k) { return usable(k) && tokens[k].key == ","; };
    if (cue_k > 0) {
      size_t j = cue_k - 1;
      for (int skipped = 0; skipped < 2 && j > 0 && usable(j) && x_.speaker_skip_en_.contains(tokens[j].key); ++skipped) --j;
      if (usable(j) && IsPronoun(tokens[j])) return std::make_pair(j, j);
      if (is_name_word(j)) return run_back(j);
      if (is_comma(j) && j > 0) {
        // "NAME, ROLE, said" (the name before the first comma of the
        // apposition) or "ROLE, NAME, said" / "NAME, said".
        for (size_t c = j - 1; c > 0 && j - c < 12 && usable(c); --c) {
          if (is_comma(c)) {
            if (is_name_word(c - 1)) return run_back(c - 1);
            break;
          }
        }
        if (is_name_word(j - 1)) return run_back(j - 1);
      }
    }
    size_t after = cue_k + cue_len;
    if (usable(after) && IsPronoun(tokens[after])) return std::make_pair(after, after);
    if (is_name_word(after)) {
      size_t last = after;
      while (last + 1 < tokens.size() && is_name_word(last + 1)) ++last;
      return std::make_pair(after, last);
    }
    return std::nullopt;
  }

  // Persian: the subject opens its clause. The clause runs back from the cue
  // to the sentence start, a colon or a quote; the speaker is its first words
  // up to a comma or a stop word ("کامران رستمی، معاون وزیر ...، در نامه‌ای
  // ... نوشت" → کامران رستمی; "ملک همچنین تأکید کرد" → ملک).
  std::optional<std::pair<size_t, size_t>> PersianSpeaker(size_t cue_k, Span sentence) const {
    const auto& tokens = text_.tokens;
    size_t start = cue_k;
    while (start > 0 && cue_k - start < 40) {
      const Token& t = tokens[start - 1];
      if (!sentence.Contains(t.original) || in_quote_[start - 1] || t.key == ":") break;
      --start;
    }
    auto skippable = [&](size_t k) {
      return tokens[k].kind != TokenKind::kWord || x_.speaker_stops_fa_.contains(tokens[k].key);
    };
    while (start < cue_k && skippable(start)) ++start;
    if (start == cue_k) return std::nullopt;
    if (IsPronoun(tokens[start])) return std::make_pair(start, start);
    size_t last = start;
    while (last + 1 < cue_k && last - start < 7 && !skippable(last + 1)) ++last;
    return std::make_pair(start, last);
  }

  const Extractor& x_;
  const Document& doc_;
  const NormalizedText& text_;
  const bool persian_;
  std::vector<bool> in_quote_;
  std::string last_speaker_;
};

absl::StatusOr<std::unique_ptr<Extractor>> Extractor::Load(const ExtractorData& data) {
  std::unique_ptr<Extractor> x(new Extractor());
  const Normalizer& normalizer = Normalizer::Default();
  auto load_cues = [&](std::string_view text, std::string_view file, Language lang,
                       std::vector<Cue>* cues) -> absl::Status {
    absl::flat_hash_set<std::string> seen;
    return ForEachTsvRecord(text, file, 2, 2, [&](const TsvRecord& r) -> absl::Status {
      auto norm = normalizer.Normalize(r.fields[0], lang);
      if (!norm.ok()) return r.Error(AsStd(norm.status().message()));
      Cue cue;
      for (const Token& t : norm->tokens) cue.tokens.push_back(t.key);
      if (cue.tokens.empty()) return r.Error("cue has no tokens");
      std::string joined = StrJoin(cue.tokens, " ");
      if (!seen.insert(joined).second) {
        return r.Error(StrCat("duplicate cue '", r.fields[0], "' (same match key as an earlier line)"));
      }
      cue.lemma = std::string(r.fields[1]);
      cues->push_back(std::move(cue));
      return absl::OkStatus();
    });
  };
  RETURN_IF_ERROR(load_cues(data.cues_en, "cues_en.tsv", Language::kEnglish, &x->cues_en_));
  RETURN_IF_ERROR(load_cues(data.cues_fa, "cues_fa.tsv", Language::kPersian, &x->cues_fa_));
  RETURN_IF_ERROR(ForEachTsvRecord(data.pronouns, "pronouns.tsv", 2, 2, [&](const TsvRecord& r) {
    Language lang = r.fields[1] == "en" ? Language::kEnglish
                    : r.fields[1] == "fa" ? Language::kPersian
                                          : Language::kUnspecified;
    if (lang == Language::kUnspecified) return r.Error("language must be en or fa");
    auto norm = normalizer.Normalize(r.fields[0], lang);
    if (!norm.ok() || norm->tokens.size() != 1) return r.Error("pronoun must be one word");
    auto& set = lang == Language::kEnglish ? x->pronouns_en_ : x->pronouns_fa_;
    if (!set.insert(norm->tokens[0].key).second) return r.Error("duplicate pronoun");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(ForEachTsvRecord(data.speaker_skip_en, "speaker_skip_en.txt", 1, 1,
                                   [&](const TsvRecord& r) {
    if (!x->speaker_skip_en_.insert(std::string(r.fields[0])).second) return r.Error("duplicate word");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(ForEachTsvRecord(data.speaker_stops_fa, "speaker_stops_fa.txt", 1, 1,
                                   [&](const TsvRecord& r) {
    auto norm = normalizer.Normalize(r.fields[0], Language::kPersian);
    if (!norm.ok() || norm->tokens.size() != 1) return r.Error("stop word must be one word");
    if (!x->speaker_stops_fa_.insert(norm->tokens[0].key).second) return r.Error("duplicate stop word");
    return absl::OkStatus();
  }));
  // Longest cues first, so that "تأکید کرده است" wins over a shorter prefix.
  for (auto* cues : {&x->cues_en_, &x->cues_fa_}) {
    std::stable_sort(cues->begin(), cues->end(),
                     [](const Cue& a, const Cue& b) { return a.tokens.size() > b.tokens.size(); });
  }
  return x;
}

const Extractor& Extractor::Default() {
  static const Extractor* x = [] {
    auto loaded = Load({data::kCuesEn, data::kCuesFa, data::kPronouns, data::kSpeakerStopsFa,
                         data::kSpeakerSkipEn});
    if (!loaded.ok()) std::abort();  // embedded data is pinned by tests
    return loaded->release();
  }();
  return *x;
}

size_t Extractor::CueCount(Language language) const {
  return language == Language::kPersian ? cues_fa_.size() : cues_en_.size();
}

std::vector<Statement> Extractor::Extract(const Document& doc, const NormalizedText& text) const {
  return ExtractRun(*this, doc, text).Run();
}

}  // namespace quotematch
