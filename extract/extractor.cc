#include "extract/extractor.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "normalize/normalizer.h"
#include "qm_data.h"

namespace quotematch {
namespace {

// Content shorter than this many words is a title or a scare quote.
constexpr int kMinStatementWords = 3;
// How far (in tokens) an attribution may be from its quote.
constexpr uint32_t kAttributionReach = 12;
// Longest speaker phrase, in tokens.
constexpr uint32_t kMaxSpeakerTokens = 14;

// Quote marks, from the original bytes of a punctuation token.
enum class Mark : uint8_t { kNone, kOpen, kClose, kEither, kOpenGuillemet, kCloseGuillemet };

struct TokRange {
  uint32_t first = 0, last = 0;   // [first, last)
  bool empty() const { return last <= first; }
};

using WordClass = Extractor::WordClass;

// Words that, capitalized at the start of a sentence, open it without
// being part of a speaker's name ("But Malik said").
bool IsSentenceOpener(std::string_view key) {
  static const absl::flat_hash_set<std::string_view> kOpeners = {
      "but", "and", "yet", "still", "meanwhile", "however", "now", "today", "yesterday", "so", "then", "also",
      "separately", "later", "earlier", "instead", "there", "here", "in", "on", "at", "when", "while", "as", "if"};
  return kOpeners.contains(key);
}

// Nouns of the prepositional phrases that sit between a verb and its speech
// ("said in a statement", "told reporters at a news conference").
bool IsSettingNoun(std::string_view key) {
  static const absl::flat_hash_set<std::string_view> kNouns = {
      "statement", "statements", "interview", "post", "posts", "letter", "conference", "news", "briefing",
      "speech", "address", "message", "meeting", "session", "sidelines", "video", "broadcast", "televised",
      "television", "radio", "press", "social", "media", "platform", "website", "account", "remarks",
      "comments", "call", "phone", "telephone", "event", "ceremony", "rally", "summit", "visit", "report",
      "reporters", "journalists", "newspaper", "paper", "state", "local", "national", "weekly", "daily",
      "morning", "evening", "afternoon", "night", "week", "month", "year", "day", "capital", "city",
      "written", "joint", "brief", "short", "late", "early", "separate", "parliament", "hearing", "column",
      "article", "op-ed", "editorial", "blog", "tweet", "lawmakers", "legislators", "delegates", "crowd",
      "supporters", "audience", "students", "workers", "residents", "officials", "diplomats", "ministers",
      "channel", "agency", "broadcaster", "network", "podcast"};
  return kNouns.contains(key);
}

bool IsPreposition(std::string_view key) {
  static const absl::flat_hash_set<std::string_view> kPrepositions = {
      "in", "on", "at", "during", "after", "before", "from", "via", "through", "over", "to", "for", "with"};
  return kPrepositions.contains(key);
}

bool IsSentenceEnd(std::string_view key) { return key == "." || key == "!" || key == "?" || key == "…"; }

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

// One extraction over one document: the per-document state (token
// classes, quotes, sentences, the last speakers) lives here so that
// Extractor itself stays immutable.
class ExtractRun {
 public:
  ExtractRun(const Extractor& x, const Document& doc, const NormalizedText& text)
      : x_(x), doc_(doc), text_(text), toks_(text.tokens), persian_(text.language == Language::kPersian) {}

  std::vector<Statement> Run() {
    if (toks_.empty()) return {};
    Classify();
    FindQuotes();
    MarkCues();
    FindDirect();
    FindColonAndReported();
    FindClauses();
    FindAccordingTo();
    FindMentions();
    return Emit();
  }

 private:
  // A statement before its speaker is resolved.
  struct Found {
    StatementKind kind = StatementKind::kDirect;
    std::vector<TokRange> parts;
    std::vector<int> fragments;      // quote regions inside the content
    std::optional<TokRange> cue;
    TokRange speaker;                // empty: none
    bool inherit = false;            // no attribution: the previous speaker goes on
    TokRange frame;                  // tokens of the enclosing sentences
    double confidence = 0.9;
  };
  struct Region {
    uint32_t open = 0, close = 0;    // mark tokens
    std::vector<TokRange> parts;     // content between marks, per paragraph
    bool statement = false;
    bool merged = false;             // taken into an earlier region (interrupted quote)
    uint32_t close_interrupted = 0;  // the last close mark of an interrupted quote, else 0
  };

  const Token& T(uint32_t k) const { return toks_[k]; }
  const std::string& Key(uint32_t k) const { return toks_[k].key; }
  bool IsWordTok(uint32_t k) const {
    return toks_[k].kind == TokenKind::kWord || toks_[k].kind == TokenKind::kNumber;
  }
  bool Cap(uint32_t k) const { return toks_[k].kind == TokenKind::kWord && toks_[k].capitalized; }
  uint32_t N() const { return static_cast<uint32_t>(toks_.size()); }
  std::string_view Orig(uint32_t k) const {
    return std::string_view(doc_.text).substr(toks_[k].original.begin, toks_[k].original.size());
  }
  // Per-token facts looked up once (Classify): word class, pronoun, and
  // skip word (English adverbs beside a cue; Persian speaker stop words).
  WordClass Class(uint32_t k) const { return class_[k]; }
  bool IsPronoun(uint32_t k) const { return pronoun_[k]; }
  bool Skip(uint32_t k) const { return skip_[k]; }
  bool Possessive(uint32_t k) const {
    const std::string_view o = Orig(k);
    return o.ends_with("'s") || o.ends_with("\xE2\x80\x99s");
  }
  bool Comma(uint32_t k) const { return Key(k) == ","; }

  // Paragraphs (a newline between tokens), quote marks and sentences.
  void Classify() {
    const uint32_t n = N();
    para_.assign(n, 0);
    mark_.assign(n, Mark::kNone);
    wide_.assign(n, false);
    sent_.assign(n, 0);
    class_.assign(n, WordClass::kNone);
    pronoun_.assign(n, false);
    skip_.assign(n, false);
    facts_.assign(n, nullptr);
    const auto& facts = persian_ ? x_.facts_fa_ : x_.facts_en_;
    for (uint32_t k = 0; k < n; ++k) {
      if (T(k).kind != TokenKind::kWord) continue;
      auto it = facts.find(Key(k));
      if (it == facts.end()) continue;
      facts_[k] = &it->second;
      class_[k] = it->second.word_class;
      pronoun_[k] = it->second.pronoun;
      skip_[k] = it->second.skip;
    }
    uint32_t p = 0;
    for (uint32_t k = 0; k < n; ++k) {
      if (k > 0) {
        const uint32_t from = T(k - 1).original.end, to = T(k).original.begin;
        if (to > from && std::string_view(doc_.text).substr(from, to - from).find('\n') != std::string_view::npos) ++p;
      }
      para_[k] = p;
      if (T(k).kind != TokenKind::kPunctuation && T(k).kind != TokenKind::kSymbol) continue;
      const std::string_view o = Orig(k);
      if (o == "\xE2\x80\x9C" || o == "\xE2\x80\x9E") mark_[k] = Mark::kOpen;          // “ „
      else if (o == "\xE2\x80\x9D") mark_[k] = Mark::kClose;                           // ”
      else if (o == "\"") mark_[k] = Mark::kEither;
      else if (o == "\xC2\xAB") mark_[k] = Mark::kOpenGuillemet;                       // «
      else if (o == "\xC2\xBB") mark_[k] = Mark::kCloseGuillemet;                      // »
      else if ((o == "`" || o == "'") && k + 1 < n && Orig(k + 1) == o &&
               T(k + 1).original.begin == T(k).original.end) {
        mark_[k] = o == "`" ? Mark::kOpen : Mark::kClose;                               // `` ''
        wide_[k] = true;
        ++k;
        para_[k] = p;
      }
    }
    // Sentences: a full stop, ! or ? ends one (with the closing marks after
    // it), unless it follows an abbreviation or an initial; a paragraph
    // always does.
    uint32_t s = 0;
    for (uint32_t k = 0; k < n; ++k) {
      if (k > 0 && para_[k] != para_[k - 1]) ++s;
      sent_[k] = s;
      if (!IsSentenceEnd(Key(k))) continue;
      if (Key(k) == "." && k > 0 && T(k - 1).kind == TokenKind::kWord &&
          T(k - 1).original.end == T(k).original.begin) {
        const std::string& w = Key(k - 1);
        if (!persian_ && (x_.abbreviations_en_.contains(w) || (w.size() == 1 && Cap(k - 1)))) continue;
      }
      uint32_t j = k + 1;
      while (j < n && para_[j] == para_[k] &&
             (mark_[j] == Mark::kClose || mark_[j] == Mark::kCloseGuillemet || Key(j) == ")" ||
              (mark_[j] == Mark::kEither && (j + 1 >= n || para_[j + 1] != para_[k] ||
                                             T(j + 1).original.begin > T(j).original.end)))) {
        sent_[j] = s;
        ++j;
      }
      if (j < n && para_[j] == para_[k] && !persian_ && T(j).kind == TokenKind::kWord && !Cap(j)) {
        k = j - 1;   // "U.S. officials", "p.m. on": not an end
        continue;
      }
      k = j - 1;
      ++s;
    }
    // Paragraph ends (token index one past each paragraph's last token).
    para_end_.assign(n, n);
    for (uint32_t k = n; k-- > 0;) {
      para_end_[k] = (k + 1 < n && para_[k + 1] == para_[k]) ? para_end_[k + 1] : k + 1;
    }
    sent_first_.assign(n, 0);
    sent_end_.assign(n, n);
    for (uint32_t k = 0; k < n; ++k) sent_first_[k] = (k > 0 && sent_[k - 1] == sent_[k]) ? sent_first_[k - 1] : k;
    for (uint32_t k = n; k-- > 0;) sent_end_[k] = (k + 1 < n && sent_[k + 1] == sent_[k]) ? sent_end_[k + 1] : k + 1;
  }

  // A straight mark glued to the word before it and not to the one after
  // ('the dam" on') closes; it cannot open a quote.
  bool Glued(uint32_t k) const {
    const uint32_t b = T(k).original.begin, e = T(k).original.end;
    const bool before = b > 0 && doc_.text[b - 1] != ' ' && doc_.text[b - 1] != '\n' && doc_.text[b - 1] != '(';
    const bool after = e < doc_.text.size() && doc_.text[e] != ' ' && doc_.text[e] != '\n';
    return before && !after;
  }

  // Whether a quote opening at `open` starts a statement: at a paragraph
  // or sentence start, after a colon or a dash, or after a reporting verb.
  bool StartsStatement(uint32_t open) const {
    if (open == 0 || para_[open - 1] != para_[open] || sent_[open - 1] != sent_[open]) return true;
    uint32_t j = open - 1;
    if (Key(j) == ":" || Key(j) == "-" || IsSentenceEnd(Key(j))) return true;
    if (Comma(j) && j > 0) --j;
    for (int skipped = 0; skipped < 3 && j > 0 && Skip(j); ++skipped) --j;
    const auto& by_last = persian_ ? x_.cue_last_fa_ : x_.cue_last_en_;
    auto it = by_last.find(Key(j));
    if (it == by_last.end()) return false;
    for (uint32_t id : it->second) {
      const auto& cue = Cues()[id];
      const size_t len = cue.tokens.size();
      if (j + 1 < len) continue;
      bool ok = true;
      for (size_t i = 0; i < len && ok; ++i) ok = Key(j + 1 - len + i) == cue.tokens[i];
      if (ok) return true;
    }
    return false;
  }

  bool Opens(Mark m) const { return m == Mark::kOpen || m == Mark::kEither || m == Mark::kOpenGuillemet; }
  bool Closes(Mark open, Mark m) const {
    if (open == Mark::kOpenGuillemet) return m == Mark::kCloseGuillemet;
    return m == Mark::kClose || m == Mark::kEither;
  }

  // Balanced quotes within a paragraph; a quote left open at a paragraph's
  // end continues when the next paragraph opens with the same mark, and is
  // otherwise a stray mark, skipped.
  void FindQuotes() {
    const uint32_t n = N();
    region_of_.assign(n, -1);
    std::vector<bool> stray(n, false);
    uint32_t k = 0;
    while (k < n) {
      if (stray[k] || !Opens(mark_[k]) || (mark_[k] == Mark::kEither && Glued(k))) {
        ++k;
        continue;
      }
      Region r;
      r.open = k;
      const Mark family = mark_[k] == Mark::kOpenGuillemet ? Mark::kOpenGuillemet : Mark::kOpen;
      uint32_t part_begin = k + 1 + wide_[k];
      uint32_t j = part_begin;
      bool closed = false, failed = false;
      while (!closed && !failed) {
        if (j >= n || para_[j] != para_[part_begin == j ? (j > 0 ? j - 1 : 0) : part_begin]) {
          // The paragraph (or the text) ended with the quote open.
          const uint32_t end = j;
          if (j < n && StartsStatement(r.open) && end > 0 && IsSentenceEnd(Key(end - 1)) &&
              ((family == Mark::kOpen && (mark_[j] == Mark::kOpen || mark_[j] == Mark::kEither)) ||
               (family == Mark::kOpenGuillemet && mark_[j] == Mark::kOpenGuillemet))) {
            r.parts.push_back({part_begin, end});
            part_begin = j + 1 + wide_[j];
            j = part_begin;
            continue;
          }
          failed = true;
          break;
        }
        if (Closes(family == Mark::kOpenGuillemet ? Mark::kOpenGuillemet : Mark::kOpen, mark_[j])) {
          r.parts.push_back({part_begin, j});
          r.close = j + wide_[j];
          closed = true;
          break;
        }
        if (family == Mark::kOpen && mark_[j] == Mark::kOpen) {
          failed = true;   // a second opening curly mark: the first never closed
          break;
        }
        ++j;
      }
      if (failed) {
        stray[k] = true;
        ++k;
        continue;
      }
      const int id = static_cast<int>(regions_.size());
      for (uint32_t m = r.open; m <= r.close; ++m) region_of_[m] = id;
      regions_.push_back(std::move(r));
      k = regions_.back().close + 1;
    }
  }

  bool InQuote(uint32_t k) const { return region_of_[k] >= 0; }

  size_t Words(TokRange r) const {
    size_t w = 0;
    for (uint32_t k = r.first; k < r.last; ++k) w += IsWordTok(k);
    return w;
  }
  size_t Words(const std::vector<TokRange>& parts) const {
    size_t w = 0;
    for (const TokRange& p : parts) w += Words(p);
    return w;
  }

  const std::vector<Extractor::Cue>& Cues() const { return persian_ ? x_.cues_fa_ : x_.cues_en_; }

  // cue_len_[k]: tokens of the longest cue starting at k (outside quotes).
  void MarkCues() {
    const uint32_t n = N();
    cue_len_.assign(n, 0);
    cue_of_.assign(n, nullptr);
    phrase_len_.assign(n, 0);
    phrase_of_.assign(n, nullptr);
    for (uint32_t k = 0; k < n; ++k) {
      if (InQuote(k) || T(k).kind != TokenKind::kWord) continue;
      if (facts_[k] == nullptr) continue;
      if (const auto* ids = facts_[k]->cues; ids != nullptr) {
        for (uint32_t id : *ids) {
          const auto& cue = Cues()[id];
          const size_t len = cue.tokens.size();
          if (k + len > n) continue;
          bool ok = true;
          for (size_t i = 1; i < len && ok; ++i) ok = Key(k + i) == cue.tokens[i] && !InQuote(k + i);
          if (ok) {
            cue_len_[k] = static_cast<uint32_t>(len);
            cue_of_[k] = &cue;
            break;   // longest first
          }
        }
      }
      if (facts_[k]->phrases == nullptr) continue;
      for (uint32_t id : *facts_[k]->phrases) {
        const auto& ph = (persian_ ? x_.phrases_fa_ : x_.phrases_en_)[id];
        const size_t len = ph.tokens.size();
        if (k + len > n) continue;
        bool ok = true;
        for (size_t i = 0; i < len && ok; ++i) ok = Key(k + i) == ph.tokens[i] && !InQuote(k + i);
        if (ok) {
          phrase_len_[k] = static_cast<uint32_t>(len);
          phrase_of_[k] = &ph;
          break;
        }
      }
    }
    used_cue_.assign(n, false);
  }

  bool IsCue(uint32_t k) const { return k < N() && cue_len_[k] > 0; }
  TokRange CueAt(uint32_t k) const { return {k, k + cue_len_[k]}; }

  TokRange Frame(uint32_t first, uint32_t last) const { return {sent_first_[first], sent_end_[last > first ? last - 1 : first]}; }

  // Direct quotes: which regions are statements, how interrupted quotes
  // join, and their attribution.
  void FindDirect() {
    for (size_t i = 0; i < regions_.size(); ++i) {
      Region& r = regions_[i];
      if (r.merged) continue;
      // An interrupted quote: "A," he said, "B."
      while (true) {
        const size_t next = &r - regions_.data() + 1;
        if (next >= regions_.size()) break;
        Region& b = regions_[next];
        if (b.merged || para_[b.open] != para_[r.close] || b.open - r.close > kAttributionReach) break;
        const TokRange between{r.close + 1, b.open};
        if (between.empty() || !(Comma(b.open - 1) || Key(b.open - 1) == ":")) break;
        const TokRange& last_part = r.parts.back();
        const bool comma_inside = !last_part.empty() && Comma(last_part.last - 1);
        bool has_cue = false;
        for (uint32_t k = between.first; k < between.last; ++k) has_cue |= IsCue(k);
        if (!has_cue || !comma_inside) break;
        r.parts.insert(r.parts.end(), b.parts.begin(), b.parts.end());
        b.merged = true;
        r.close_interrupted = b.close;
        break;
      }
      const uint32_t close = r.close_interrupted ? r.close_interrupted : r.close;
      bool starts = StartsStatement(r.open) || r.parts.size() > 1;
      if (Words(r.parts) < kMinStatementWords || !starts) continue;
      r.statement = true;
      Found f;
      f.kind = StatementKind::kDirect;
      f.parts = r.parts;
      for (auto& p : f.parts) p = TrimDirect(p);
      f.frame = Frame(r.open, close + 1);
      AttributeDirect(r, r.close, &f);   // an interrupted quote's attribution follows its first part
      found_.push_back(std::move(f));
    }
  }

  TokRange TrimDirect(TokRange p) const {
    while (!p.empty() && (Comma(p.last - 1))) --p.last;
    return p;
  }
  TokRange TrimReported(TokRange p) const {
    while (!p.empty() && T(p.last - 1).kind == TokenKind::kPunctuation && mark_[p.last - 1] == Mark::kNone &&
           Key(p.last - 1) != ")" && Key(p.last - 1) != "?" && Key(p.last - 1) != "!") {
      --p.last;
    }
    while (!p.empty() && (Comma(p.first) || Key(p.first) == ":" || Key(p.first) == "-")) ++p.first;
    return p;
  }

  void AttributeDirect(const Region& r, uint32_t close, Found* f) {
    const uint32_t n = N();
    // 1. Before the open mark, in its sentence: "X said: “...”", and after
    //    a colon any setting between ("X wrote in a letter to his
    //    counterpart: “...”", "X told reporters in Islamabad: “...”").
    if (r.open > 0) {
      uint32_t j = r.open;
      const bool colon = Key(j - 1) == ":";
      if (colon || Comma(j - 1)) --j;
      const uint32_t floor = sent_first_[r.open];
      for (uint32_t c = j; c-- > floor && j - c <= (colon ? 2 * kAttributionReach : kAttributionReach);) {
        if (InQuote(c)) break;
        if (IsCue(c) && !used_cue_[c] && c + cue_len_[c] <= j && (colon || c + cue_len_[c] + 2 >= j)) {
          Attach(c, f, r.open);
          return;
        }
        if (c == 0) break;
      }
    }
    // 2. After the close mark: "“...,” X said." / "“...,” said X." /
    //    «...»، سخنگو گفت.
    const uint32_t end = std::min(sent_end_[close], para_end_[close]);
    for (uint32_t c = close + 1; c < end && c - close <= kAttributionReach; ++c) {
      if (InQuote(c)) break;
      if (IsCue(c)) {
        Attach(c, f, r.open, close + 1);
        return;
      }
    }
    // 2b. A short sentence of its own right after the quote:
    //     "“Who will pay?” Reza Amini said." / «...» این را علی باقری گفت.
    if (close + 1 < n && sent_[close + 1] != sent_[close] && para_[close + 1] == para_[close]) {
      const uint32_t next_end = std::min(sent_end_[close + 1], para_end_[close + 1]);
      if (next_end - (close + 1) <= kAttributionReach) {
        for (uint32_t c = close + 1; c < next_end; ++c) {
          if (InQuote(c)) break;
          if (IsCue(c) && !used_cue_[c]) {
            Attach(c, f, r.open, close + 1);
            if (!f->speaker.empty()) return;
            f->cue.reset();
            used_cue_[c] = false;
            break;
          }
        }
      }
    }
    // 3. A dash and a name: "“...” — Jamal Idris".
    if (close + 2 < n && Key(close + 1) == "-" && para_[close + 2] == para_[close]) {
      TokRange sp = persian_ ? PersianSubject(close + 2, std::min(end, close + 2 + kMaxSpeakerTokens))
                             : NounPhraseAfter(close + 2, end);
      if (!sp.empty()) {
        f->speaker = sp;
        f->confidence = 0.85;
        return;
      }
    }
    f->inherit = true;
    f->confidence = 0.6;
  }

  // Attaches cue c to f with the speaker next to it. `content_begin` is
  // where the statement's content starts; for a cue after the content,
  // `after` is the first token after it.
  void Attach(uint32_t c, Found* f, uint32_t content_begin, std::optional<uint32_t> after = std::nullopt) {
    used_cue_[c] = true;
    f->cue = CueAt(c);
    if (persian_) {
      if (after) {
        uint32_t s = *after;
        while (s < c && (Comma(s) || T(s).kind == TokenKind::kPunctuation)) ++s;
        f->speaker = PersianSubject(s, c);
      } else {
        f->speaker = PersianSpeaker(c);
      }
    } else {
      f->speaker = after ? EnglishSpeakerAround(c, *after) : EnglishSpeakerBefore(c, sent_first_[c]);
      if (f->speaker.empty() && !after) f->speaker = EnglishSpeakerAfterCue(c);
    }
    f->confidence = f->speaker.empty() ? 0.75 : 0.95;
  }

  // English: the speaker phrase ending right before cue c (adverbs
  // skipped), with an apposition between commas ("Sara Khan, an analyst,
  // said"; "Iran's deputy minister, Kamran Rostami, wrote").
  TokRange EnglishSpeakerBefore(uint32_t c, uint32_t floor) const {
    if (c == 0 || c <= floor) return {};
    uint32_t j = c;   // one past the phrase
    while (j > floor && (Skip(j - 1))) --j;
    if (j == floor) return {};
    if (IsPronoun(j - 1) && !InQuote(j - 1)) return {j - 1, j};
    if (Comma(j - 1) || IsDash(j - 1)) {
      // "NAME, ROLE, said", "ROLE, NAME, said", "NAME — ROLE — said", or a
      // clause about the speaker: "An official, who asked not to be named, said".
      const uint32_t inner_end = j - 1;
      uint32_t k = inner_end;
      while (k > floor && inner_end - k < 2 * kMaxSpeakerTokens && !Comma(k - 1) && !IsDash(k - 1) && !InQuote(k - 1) &&
             !IsSentenceEnd(Key(k - 1))) {
        --k;
      }
      if (k > floor + 1 && (Comma(k - 1) || IsDash(k - 1)) && k < inner_end) {
        TokRange first = NounPhraseBefore(k - 1, floor);
        if (first.empty() || first.first > floor) {
          const TokRange d = Description(k - 1, floor);
          if (!d.empty()) first = d;
        }
        if (first.empty()) return {};
        if (IsAsideWord(Key(k))) return {first.first, k - 1};
        if (inner_end - k <= kMaxSpeakerTokens) return {first.first, inner_end};
      }
      return {};
    }
    TokRange r = NounPhraseBefore(j, floor);
    if (r.empty() || r.first > floor) {
      const TokRange d = Description(j, floor);
      if (!d.empty()) r = d;
    }
    return r;
  }

  static bool IsNameParticle(std::string_view key) {
    static const absl::flat_hash_set<std::string_view> kParticles = {"de", "van", "von", "der", "den", "al", "el",
                                                                     "bin", "ibn", "da", "di", "del", "la", "le", "du"};
    return kParticles.contains(key);
  }

  // A dash between spaces (— or a spaced hyphen), not a hyphen in a word.
  bool IsDash(uint32_t k) const {
    if (Key(k) != "-") return false;
    const uint32_t b = T(k).original.begin, e = T(k).original.end;
    const bool glued_before = b > 0 && doc_.text[b - 1] != ' ' && doc_.text[b - 1] != '\n';
    const bool glued_after = e < doc_.text.size() && doc_.text[e] != ' ' && doc_.text[e] != '\n';
    return !(glued_before && glued_after);
  }

  // Words that open a clause about the speaker rather than an apposition.
  static bool IsAsideWord(std::string_view key) {
    static const absl::flat_hash_set<std::string_view> kWords = {
        "who", "which", "whose", "speaking", "citing", "asked", "declining", "requesting", "insisting",
        "writing", "referring", "responding", "reacting", "addressing", "quoted", "quoting", "visiting"};
    return kWords.contains(key);
  }

  // A description opening the sentence ("A senior official of the
  // irrigation department said"): from `floor` to `end` when it starts with
  // a determiner and holds no comma, quote, cue or "that".
  TokRange Description(uint32_t end, uint32_t floor) const {
    if (end <= floor || end - floor > kMaxSpeakerTokens - 2) return {};
    if (Class(floor) != WordClass::kDeterminer) return {};
    for (uint32_t k = floor; k < end; ++k) {
      if (InQuote(k) || Comma(k) || IsDash(k) || IsCue(k) || Key(k) == "that" || IsSentenceEnd(Key(k)) ||
          Key(k) == ":" || T(k).kind == TokenKind::kNumber) {
        return {};
      }
    }
    return {floor, end};
  }

  // A speaker phrase ending at `end` (exclusive): capitalized words, title
  // and role words, determiners, "of"/"for" inside, a possessive.
  TokRange NounPhraseBefore(uint32_t end, uint32_t floor) const {
    uint32_t k = end;
    while (k > floor && end - k < kMaxSpeakerTokens) {
      const uint32_t t = k - 1;
      if (InQuote(t) || T(t).kind == TokenKind::kNumber) break;
      const std::string& w = Key(t);
      const WordClass cls = Class(t);
      const bool joiner = (w == "of" || w == "for" || w == "and" || (w == "-" && !IsDash(t))) && k < end;
      if (w == ")") {   // "National Disaster Management Authority (NDMA) Chairman"
        uint32_t open = t;
        while (open > floor && t - open < 6 && Key(open) != "(") --open;
        if (Key(open) == "(" && open > floor) {
          k = open;
          continue;
        }
        break;
      }
      if (Key(t) == "." && t > 0 && x_.abbreviations_en_.contains(Key(t - 1))) {
        --k;
        continue;
      }
      if (T(t).kind != TokenKind::kWord && !(w == "-" && !IsDash(t))) break;
      if (cls == WordClass::kDeterminer) {
        --k;
        if (t > floor && (Key(t - 1) == "of" || Key(t - 1) == "for")) continue;   // "Office for the Coordination"
        break;
      }
      if (Cap(t) || cls != WordClass::kNone || joiner) {
        --k;
        continue;
      }
      // "airport officials", "shipping group": a lower-case word before a
      // role or organisation word; "Jan de Vries": a name particle.
      if (T(t).kind == TokenKind::kWord && k < end && !IsCue(t) &&
          ((Class(k) == WordClass::kRole || Class(k) == WordClass::kOrg) || (IsNameParticle(w) && Cap(k)))) {
        --k;
        continue;
      }
      break;
    }
    // Trim joiners at the start and a sentence opener ("But Malik said").
    while (k < end && (Key(k) == "of" || Key(k) == "for" || Key(k) == "and" || Key(k) == "-")) ++k;
    if (k < end && k == sent_first_[k] && Cap(k) && IsSentenceOpener(Key(k))) ++k;
    if (k >= end) return {};
    // A phrase of only lower-case words must have a role word ("officials").
    bool any = false;
    for (uint32_t t = k; t < end; ++t) any |= Cap(t) || Class(t) == WordClass::kRole || Class(t) == WordClass::kOrg;
    if (!any) return {};
    return {k, end};
  }

  // A speaker phrase starting at `begin`, up to a comma or the sentence end.
  TokRange NounPhraseAfter(uint32_t begin, uint32_t end) const {
    uint32_t k = begin;
    while (k < end && k - begin < kMaxSpeakerTokens) {
      if (InQuote(k) || T(k).kind == TokenKind::kNumber) break;
      const std::string& w = Key(k);
      const WordClass cls = Class(k);
      if (w == "." && k > begin && x_.abbreviations_en_.contains(Key(k - 1))) {
        ++k;
        continue;
      }
      if (T(k).kind != TokenKind::kWord) break;
      if (cls == WordClass::kDeterminer && k > begin && Key(k - 1) != "of" && Key(k - 1) != "for") break;
      if (Cap(k) || cls != WordClass::kNone || ((w == "of" || w == "for") && k > begin) ||
          (IsNameParticle(w) && k > begin && k + 1 < end && Cap(k + 1))) {
        ++k;
        continue;
      }
      break;
    }
    while (k > begin && (Key(k - 1) == "of" || Key(k - 1) == "for" || Class(k - 1) == WordClass::kDeterminer)) --k;
    if (k == begin) return {};
    if (IsPronoun(begin)) return {begin, begin + 1};
    return {begin, k};
  }

  // After a cue: "said Jamal Idris", "said the minister".
  TokRange EnglishSpeakerAfterCue(uint32_t c) const {
    uint32_t k = c + cue_len_[c];
    const uint32_t end = std::min(sent_end_[c], para_end_[c]);
    while (k < end && Skip(k)) ++k;
    if (k >= end) return {};
    if (IsPronoun(k)) return {k, k + 1};
    TokRange np = NounPhraseAfter(k, end);
    // "said national team captain Usman Rafiq": lower-case role words
    // before a name that closes the sentence or meets a comma.
    if (np.empty() || !Cap(np.last - 1)) {
      uint32_t j = k;
      while (j < end && j - k < 8 && T(j).kind == TokenKind::kWord && !Cap(j) && Key(j) != "that") ++j;
      uint32_t e = j;
      while (e < end && Cap(e)) ++e;
      if (e > j && (e == end || Comma(e) || IsSentenceEnd(Key(e)))) np = {k, e};
    }
    // "said Jamal Idris, the mayor of Kano."
    if (!np.empty() && np.last + 1 < end && Comma(np.last) && Class(np.last + 1) == WordClass::kDeterminer) {
      uint32_t j = np.last + 1;
      while (j < end && T(j).kind == TokenKind::kWord) ++j;
      if (j == end || IsSentenceEnd(Key(j))) np.last = j;
    }
    return np;
  }

  // For a cue after the content: the speaker between the content and the
  // cue ("..., Malik said"), else after the cue ("..., said Malik").
  TokRange EnglishSpeakerAround(uint32_t c, uint32_t after) const {
    uint32_t s = after;
    while (s < c && (T(s).kind == TokenKind::kPunctuation)) ++s;
    if (s < c) {
      const TokRange r = EnglishSpeakerBefore(c, s > 0 ? s : 0);
      if (!r.empty()) return r;
      TokRange np = NounPhraseAfter(s, c);
      if (!np.empty()) return np;
    }
    return EnglishSpeakerAfterCue(c);
  }

  // Persian: the subject of the clause before cue c. The clause runs back
  // to the sentence start, a colon or a quote; outlet leads (به گزارش ...،)
  // and a clause phrase (با بیان اینکه ...،) are skipped.
  TokRange PersianSpeaker(uint32_t c) const {
    uint32_t start = c;
    while (start > 0 && c - start < 60) {
      const uint32_t t = start - 1;
      if (sent_[t] != sent_[c] || Key(t) == ":") break;
      if (InQuote(t) && regions_[region_of_[t]].statement) break;   // a title in « » is part of the clause
      --start;
    }
    start = SkipLeads(start, c);
    // An adverbial opening ("در بخش بانوان،", "در ادامه جلسه،").
    static const absl::flat_hash_set<std::string_view> kOpeners = {"در", "به", "با", "از", "برای", "طی", "ضمن",
                                                                    "پس", "پیش", "بعد", "قبل", "هنگام"};
    if (start < c && kOpeners.contains(Key(start))) {
      for (uint32_t k = start + 1; k < c && k - start <= 6; ++k) {
        if (Comma(k)) {
          start = k + 1;
          break;
        }
        if (T(k).kind != TokenKind::kWord) break;
      }
    }
    return PersianSubject(start, c);
  }

  // Skips datelines (تهران- ایرنا-) and outlet leads at `start`.
  uint32_t SkipLeads(uint32_t start, uint32_t limit) const {
    // A dateline: a "-" among the paragraph's first tokens.
    if (start < limit && (start == 0 || para_[start - 1] != para_[start])) {
      uint32_t last_dash = start;
      for (uint32_t k = start; k < limit && k - start < 6; ++k) {
        if (Key(k) == "-") last_dash = k + 1;
      }
      start = last_dash;
    }
    for (int rounds = 0; rounds < 3 && start < limit; ++rounds) {
      const auto* ph = phrase_of_[start];
      if (ph == nullptr) break;
      if (ph->role == Extractor::AttributionRole::kLead || ph->role == Extractor::AttributionRole::kSource) {
        uint32_t k = start + phrase_len_[start];
        while (k < limit && !Comma(k)) ++k;
        if (k >= limit) return start;
        start = k + 1;
        continue;
      }
      if (ph->role == Extractor::AttributionRole::kClause) {
        uint32_t last_comma = limit;
        for (uint32_t k = start; k < limit; ++k) {
          if (Comma(k)) last_comma = k;
        }
        if (last_comma >= limit) return start;
        start = last_comma + 1;
        continue;
      }
      break;
    }
    return start;
  }

  // The subject words from `start`: up to a comma, a stop word, a clause
  // phrase or the cue; a pronoun alone.
  TokRange PersianSubject(uint32_t start, uint32_t limit) const {
    auto stop = [&](uint32_t k) {
      return T(k).kind != TokenKind::kWord || Skip(k) || phrase_of_[k] != nullptr;
    };
    while (start < limit && (T(start).kind != TokenKind::kWord || Skip(start))) {
      if (InQuote(start)) return {};
      ++start;
    }
    if (start >= limit) return {};
    if (IsPronoun(start)) return {start, start + 1};
    uint32_t last = start + 1;
    while (last < limit && last - start < kMaxSpeakerTokens && !stop(last)) ++last;
    // "کنعانی، سخنگوی وزارت امور خارجه، گفت": an apposition between commas.
    if (last < limit && Comma(last)) {
      uint32_t k = last + 1;
      while (k < limit && k - last < kMaxSpeakerTokens && T(k).kind == TokenKind::kWord) ++k;
      if (k < limit && k > last + 1 && Comma(k) && (Class(last + 1) != WordClass::kNone || k - last <= 4)) last = k;
    }
    return {start, last};
  }

  // Colon speech and reported speech around every cue not yet used.
  void FindColonAndReported() {
    const uint32_t n = N();
    for (uint32_t c = 0; c < n; ++c) {
      if (!IsCue(c) || used_cue_[c]) continue;
      const uint32_t after = c + cue_len_[c];
      const uint32_t pend = para_end_[c];
      uint32_t k = after;
      if (!persian_) k = SkipSetting(c, k, std::min(sent_end_[c], pend));
      if (k < pend && Key(k) == ":") {
        // Colon speech, unless a quote follows (a direct statement).
        if (k + 1 < pend && InQuote(k + 1)) continue;
        Found f;
        f.kind = StatementKind::kColon;
        f.parts = {TrimReported({k + 1, pend})};
        if (Words(f.parts) < kMinStatementWords) continue;
        f.frame = Frame(sent_first_[c], pend);
        AttachKeep(c, &f);
        f.confidence = f.speaker.empty() ? 0.75 : 0.9;
        CollectFragments(&f);
        found_.push_back(std::move(f));
        continue;
      }
      const uint32_t send = std::min(sent_end_[c], pend);
      if (persian_) {
        // "گفت که ..." or "گفت ..." (a clause after the verb).
        const bool ke = k < send && Key(k) == "که";
        const bool bare = k < send && T(k).kind == TokenKind::kWord && Key(k) != "و" && Key(k) != "اما" &&
                          Key(k) != "ولی" && Key(k) != "تا" && !Skip(k);
        if (ke || bare) {
          Found f;
          f.kind = StatementKind::kReported;
          f.parts = {TrimReported({ke ? k + 1 : k, send})};
          if (Words(f.parts) < kMinStatementWords || StartsQuote(f.parts[0])) continue;
          f.frame = Frame(c, send);
          AttachKeep(c, &f);
          f.confidence = f.speaker.empty() ? 0.7 : 0.85;
          CollectFragments(&f);
          found_.push_back(std::move(f));
        }
        continue;
      }
      EnglishReported(c, k, send);
    }
  }

  // Skips, after an English cue, adverbs, an addressee ("told Reuters") and
  // setting phrases ("in a statement on Monday"), and a comma after them.
  uint32_t SkipSetting(uint32_t c, uint32_t k, uint32_t end) const {
    while (k < end && Skip(k)) ++k;
    if (cue_of_[c]->object && k < end && Key(k) != "that" && !InQuote(k)) {
      // The addressee: "Reuters", "reporters", "state television", "the BBC", "him".
      uint32_t j = k;
      if (j < end && Class(j) == WordClass::kDeterminer) ++j;
      while (j < end && j - k < 5 && T(j).kind == TokenKind::kWord && Key(j) != "that" &&
             (Cap(j) || IsSettingNoun(Key(j)) || Class(j) == WordClass::kRole || Class(j) == WordClass::kOrg ||
              Class(j) == WordClass::kModifier || Key(j) == "him" || Key(j) == "her" || Key(j) == "them" ||
              Key(j) == "us" || Key(j) == "me")) {
        ++j;
      }
      if (j > k && (j == end || Key(j) == "that" || Key(j) == ":" || Comma(j) || IsPreposition(Key(j)) ||
                    T(j).kind == TokenKind::kWord || InQuote(j))) {
        k = j;
      }
    }
    for (int rounds = 0; rounds < 4 && k < end && IsPreposition(Key(k)); ++rounds) {
      uint32_t j = k + 1;
      if (j < end && Class(j) == WordClass::kDeterminer) ++j;
      while (j < end && j - k <= 8 &&
             (Cap(j) || IsSettingNoun(Key(j)) || T(j).kind == TokenKind::kNumber || Key(j) == "of" ||
              (Class(j) == WordClass::kDeterminer && j > 0 && Key(j - 1) == "of"))) {
        ++j;
      }
      if (j == k + 1) break;
      k = j;
      if (k < end && Comma(k)) ++k;
    }
    while (k < end && Skip(k)) ++k;
    return k;
  }

  bool StartsQuote(TokRange r) const { return !r.empty() && InQuote(r.first) && regions_[region_of_[r.first]].statement; }

  void AttachKeep(uint32_t c, Found* f) {
    used_cue_[c] = true;
    f->cue = CueAt(c);
    if (persian_) f->speaker = PersianSpeaker(c);
    else {
      f->speaker = EnglishSpeakerBefore(c, sent_first_[c]);
      if (f->speaker.empty()) f->speaker = EnglishSpeakerAfterCue(c);
    }
  }

  // "X said (that) ...", "..., X said.", "..., said X."
  void EnglishReported(uint32_t c, uint32_t k, uint32_t send) {
    const uint32_t sfirst = sent_first_[c];
    const TokRange before = EnglishSpeakerBefore(c, sfirst);
    // Trailing: the speech comes first, the attribution closes the sentence.
    auto tail_is_setting = [&](uint32_t from) {
      for (uint32_t t = from; t < send; ++t) {
        if (Comma(t) && t + 1 < send && IsAsideWord(Key(t + 1))) return true;   // ", speaking at the airport."
        if (!(T(t).kind == TokenKind::kPunctuation || IsSettingNoun(Key(t)) || IsPreposition(Key(t)) ||
              Key(t) == "of" || Key(t) == "and" ||
              Cap(t) || Class(t) != WordClass::kNone || Skip(t) ||
              T(t).kind == TokenKind::kNumber)) {
          return false;
        }
      }
      return true;
    };
    std::optional<TokRange> speaker;
    uint32_t content_end = 0;
    if (!before.empty() && before.first > sfirst && (Comma(before.first - 1) || Key(before.first - 1) == "-") &&
        tail_is_setting(k)) {
      speaker = before;
      content_end = before.first - 1;
    } else if (c > sfirst && (Comma(c - 1) || Key(c - 1) == "-")) {
      const TokRange after = EnglishSpeakerAfterCue(c);
      if (!after.empty() && tail_is_setting(after.last)) {
        speaker = after;
        content_end = c - 1;
      }
    }
    if (speaker) {
      TokRange content = TrimReported({SkipDateline(sfirst), content_end});
      if (Words(content) < kMinStatementWords) return;
      if (InQuote(content.first) && region_of_[content.first] >= 0 &&
          regions_[region_of_[content.first]].statement) {
        return;   // a direct quote, attributed already
      }
      Found f;
      f.kind = StatementKind::kReported;
      f.parts = {content};
      f.cue = CueAt(c);
      used_cue_[c] = true;
      f.speaker = *speaker;
      f.frame = Frame(sfirst, send);
      f.confidence = 0.8;
      CollectFragments(&f);
      found_.push_back(std::move(f));
      return;
    }
    // Forward: the attribution opens the sentence.
    if (before.empty()) return;
    const uint32_t opening = SkipDateline(sfirst);
    if (before.first != opening &&
        !(before.first > opening && Comma(before.first - 1) && OnlyIntro(opening, before.first - 1))) {
      return;
    }
    bool that = false;
    if (k < send && Key(k) == "that") {
      that = true;
      ++k;
    }
    if (!that && cue_of_[c]->that_only) return;
    TokRange content = TrimReported({k, send});
    if (Words(content) < kMinStatementWords || StartsQuote(content)) return;
    if (!that && !(T(content.first).kind == TokenKind::kWord || T(content.first).kind == TokenKind::kNumber)) return;
    Found f;
    f.kind = StatementKind::kReported;
    f.parts = {content};
    f.cue = CueAt(c);
    used_cue_[c] = true;
    f.speaker = before;
    f.frame = Frame(sfirst, send);
    f.confidence = that ? 0.85 : 0.75;
    CollectFragments(&f);
    found_.push_back(std::move(f));
  }

  // An English dateline opening a paragraph ("LONDON (Reuters) -",
  // "ISLAMABAD, Jan. 19 -"): the first token after it, else `first`.
  uint32_t SkipDateline(uint32_t first) const {
    if (persian_ || (first > 0 && para_[first - 1] == para_[first])) return first;
    bool upper = false, paren = false;
    for (uint32_t k = first; k < N() && k - first < 12 && para_[k] == para_[first]; ++k) {
      if (IsDash(k)) return upper ? k + 1 : first;
      if (Key(k) == "(") paren = true;
      if (Key(k) == ")") paren = false;
      if (T(k).kind != TokenKind::kWord || paren) continue;
      const std::string_view o = Orig(k);
      bool has_lower = false;
      for (char ch : o) has_lower |= ch >= 'a' && ch <= 'z';
      if (!has_lower && o.size() >= 3) upper = true;
      else if (!Cap(k)) return first;
    }
    return first;
  }

  // "On Monday," / "In Tehran," before a sentence's attribution.
  // An introductory phrase ending in a comma: "On Monday,", "In Tehran,",
  // "Reading out the short order,": short, with no quote, cue or comma.
  bool OnlyIntro(uint32_t first, uint32_t comma) const {
    if (comma <= first || comma - first > 8) return false;
    for (uint32_t k = first; k < comma; ++k) {
      if (InQuote(k) || IsCue(k) || Comma(k)) return false;
    }
    return true;
  }

  // Quotes inside a statement's content that are not statements
  // themselves: its fragments.
  void CollectFragments(Found* f) const {
    for (const TokRange& p : f->parts) {
      for (uint32_t k = p.first; k < p.last; ++k) {
        const int r = region_of_[k];
        if (r >= 0 && regions_[r].open == k && (f->fragments.empty() || f->fragments.back() != r)) {
          f->fragments.push_back(r);
        }
      }
    }
  }

  // "با بیان اینکه A، گفت: B": A is a reported statement of B's speaker.
  void FindClauses() {
    const uint32_t n = N();
    for (uint32_t p = 0; p < n; ++p) {
      if (phrase_of_[p] == nullptr || phrase_of_[p]->role != Extractor::AttributionRole::kClause) continue;
      const uint32_t send = std::min(sent_end_[p], para_end_[p]);
      uint32_t c = p + phrase_len_[p];
      while (c < send && !IsCue(c)) ++c;
      if (c >= send) continue;
      uint32_t last_comma = c;
      for (uint32_t k = p + phrase_len_[p]; k < c; ++k) {
        if (Comma(k)) last_comma = k;
      }
      if (last_comma == c) continue;
      Found f;
      f.kind = StatementKind::kReported;
      f.parts = {TrimReported({p + phrase_len_[p], last_comma})};
      if (Words(f.parts) < kMinStatementWords) continue;
      f.cue = CueAt(c);
      f.speaker = PersianSpeaker(c);
      if (f.speaker.empty() || f.speaker.first >= p) {
        // The subject before the phrase: "وزیر با بیان اینکه ..."
        const TokRange before = PersianSubject(SkipLeads(sent_first_[p], p), p);
        if (!before.empty()) f.speaker = before;
      }
      f.frame = Frame(sent_first_[p], send);
      f.confidence = 0.85;
      CollectFragments(&f);
      clause_speakers_.push_back({c, f.speaker});
      found_.push_back(std::move(f));
    }
    // The verb's own statement takes the same speaker when its clause search
    // stopped at the phrase.
    for (const auto& [c, sp] : clause_speakers_) {
      for (Found& f : found_) {
        if (f.cue && f.cue->first == c && f.kind != StatementKind::kReported) f.speaker = sp;
      }
    }
  }

  // "according to X, ...", "...، به گفته X", "به نقل از X، ..." (no verb).
  void FindAccordingTo() {
    const uint32_t n = N();
    for (uint32_t p = 0; p < n; ++p) {
      const auto* ph = phrase_of_[p];
      if (ph == nullptr) continue;
      const bool according = ph->role == Extractor::AttributionRole::kAccording;
      const bool source = ph->role == Extractor::AttributionRole::kSource;
      if (!according && !source) continue;
      const uint32_t sfirst = sent_first_[p], send = std::min(sent_end_[p], para_end_[p]);
      if (source) {
        bool verb = false;
        for (uint32_t k = p; k < send; ++k) verb |= IsCue(k);
        if (verb) continue;
      }
      uint32_t sp_end = p + phrase_len_[p];
      while (sp_end < send && !Comma(sp_end) && !IsSentenceEnd(Key(sp_end)) && sp_end - p < kMaxSpeakerTokens + 2) {
        ++sp_end;
      }
      // "According to Leila Navabi, an analyst in Tehran, the talks ...".
      if (sp_end < send && Comma(sp_end) && sp_end + 1 < send && Class(sp_end + 1) == WordClass::kDeterminer) {
        uint32_t j = sp_end + 1;
        while (j < send && !Comma(j) && j - sp_end < kMaxSpeakerTokens) ++j;
        if (j < send && Comma(j)) sp_end = j;
      }
      TokRange speaker{p + phrase_len_[p], sp_end};
      if (persian_) speaker = PersianSubject(speaker.first, speaker.last);
      TokRange content;
      const bool leading = sp_end < send && Comma(sp_end);
      uint32_t opening = sfirst;   // "همچنین به نقل از ..."
      while (persian_ && opening < p && Skip(opening)) ++opening;
      if (leading && (p == opening || (p > sfirst && OnlyIntroOrLead(sfirst, p)))) {
        content = TrimReported({sp_end + 1, send});
      } else if (p > sfirst && (Comma(p - 1) || Key(p - 1) == "-")) {
        content = TrimReported({SkipDateline(sfirst), p - 1});
      } else {
        continue;
      }
      if (Words(content) < kMinStatementWords || speaker.empty()) continue;
      if (StartsQuote(content)) continue;
      Found f;
      f.kind = StatementKind::kAccordingTo;
      f.parts = {content};
      f.speaker = speaker;
      f.frame = Frame(sfirst, send);
      f.confidence = 0.85;
      CollectFragments(&f);
      found_.push_back(std::move(f));
    }
  }

  bool OnlyIntroOrLead(uint32_t first, uint32_t p) const {
    if (persian_) {
      if (SkipLeads(first, p) == p) return true;
      // "به گزارش ایسنا به نقل از رویترز،": a lead that runs into the source.
      if (phrase_of_[first] == nullptr || phrase_of_[first]->role != Extractor::AttributionRole::kLead) return false;
      for (uint32_t k = first; k < p; ++k) {
        if (Comma(k)) return false;
      }
      return true;
    }
    return p > first && Comma(p - 1) && OnlyIntro(first, p - 1);
  }

  // ---- Speaker names ----

  struct Name {
    std::string name, role;
    uint32_t name_first = 0, name_last = 0;   // tokens of the name, [first, last]
    bool group = false;      // an organisation
    bool unnamed = false;    // a description
  };

  std::string DisplayOf(uint32_t first, uint32_t last) const {   // tokens [first, last]
    const uint32_t b = T(first).display.begin, e = T(last).display.end;
    if (e <= b) return "";
    return CollapseSpaces(std::string_view(text_.display).substr(b, e - b));
  }

  void SetName(Name* n, uint32_t first, uint32_t last) const {
    n->name = DisplayOf(first, last);
    n->name_first = first;
    n->name_last = last;
  }

  Name Canonical(TokRange r) const {
    // Segments between commas.
    std::vector<TokRange> segs;
    uint32_t s = r.first;
    for (uint32_t k = r.first; k <= r.last; ++k) {
      if (k == r.last || Comma(k) || IsDash(k)) {
        if (k > s) segs.push_back({s, k});
        s = k + 1;
      }
    }
    std::vector<Name> names;
    for (const TokRange& g : segs) names.push_back(persian_ ? PersianName(g) : EnglishName(g));
    if (persian_ && names.size() > 1 && names[0].name.empty()) {
      // "سخنگوی صنعت آب کشور، حمید رستگار،": a segment of only a name wins,
      // and the other is its role.
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].name.empty() || !names[i].role.empty()) continue;
        Name out = names[i];
        for (size_t j = 0; j < segs.size(); ++j) {
          if (j != i && out.role.empty()) out.role = DisplayOf(segs[j].first, segs[j].last - 1);
        }
        return out;
      }
    }
    Name out;
    for (const Name& nm : names) {
      if (!nm.name.empty() && !nm.unnamed && out.name.empty()) {
        out.name = nm.name;
        out.name_first = nm.name_first;
        out.name_last = nm.name_last;
        out.group = nm.group;
        if (!nm.role.empty()) out.role = nm.role;
      }
    }
    for (const Name& nm : names) {
      if (out.role.empty() && !nm.role.empty()) out.role = nm.role;
    }
    if (out.name.empty()) out.unnamed = true;
    return out;
  }

  Name EnglishName(TokRange g) const {
    Name n;
    std::vector<uint32_t> t;
    for (uint32_t k = g.first; k < g.last; ++k) {
      if (T(k).kind == TokenKind::kWord) t.push_back(k);
    }
    if (t.empty()) return n;
    size_t i = 0;
    bool indefinite = false;
    while (i < t.size() && Class(t[i]) == WordClass::kDeterminer) {
      indefinite |= Key(t[i]) != "the";
      ++i;
    }
    // A possessive country before a role or an organisation ("Iran's").
    if (i + 1 < t.size() && Possessive(t[i]) && Cap(t[i])) ++i;
    if (i >= t.size()) return n;
    // The name: the capitalized words at the end that are no title, role or
    // organisation word; what comes before them is the role.
    size_t a = t.size();
    while (a > i && ((Cap(t[a - 1]) && Class(t[a - 1]) == WordClass::kNone && !Possessive(t[a - 1])) ||
                     (IsNameParticle(Key(t[a - 1])) && a < t.size()))) {
      --a;
    }
    bool has_org = false, has_role = false;
    for (size_t m = i; m < t.size(); ++m) {
      has_org |= Class(t[m]) == WordClass::kOrg;
      has_role |= Class(t[m]) == WordClass::kRole || Class(t[m]) == WordClass::kTitle;
    }
    // "Danish shipping group Maersk": a lower-case organisation word
    // describes the name after it.
    const bool described = a < t.size() && a > i && Class(t[a - 1]) == WordClass::kOrg && !Cap(t[a - 1]);
    if (has_org && !has_role && !indefinite && !described) {   // "the UN Office for the Coordination of ..."
      SetName(&n, t[i], t.back());
      n.group = true;
      return n;
    }
    if (a < t.size() && !indefinite && (a == i || has_role || has_org)) {
      SetName(&n, t[a], t.back());
      if (a > 0) n.role = DisplayOf(t[0], t[a - 1]);
      if (a > i && !has_role && has_org) {   // "the Foreign Ministry Tehran" is not a person
        n.group = true;
      }
      return n;
    }
    bool all_cap = true;
    for (size_t m = i; m < t.size(); ++m) {
      all_cap &= Cap(t[m]) || Key(t[m]) == "of" || Key(t[m]) == "for" || Key(t[m]) == "and";
    }
    if (!indefinite && (has_org && (all_cap || !has_role))) {   // "the Foreign Ministry", "the ministry"
      SetName(&n, t[i], t.back());
      n.group = true;
      return n;
    }
    if (!indefinite && all_cap && !has_role) {   // "the European Forest Fire Information System"
      SetName(&n, t[i], t.back());
      return n;
    }
    n.role = DisplayOf(t[0], t.back());
    n.unnamed = true;
    return n;
  }

  Name PersianName(TokRange g) const {
    Name n;
    std::vector<uint32_t> t;
    for (uint32_t k = g.first; k < g.last; ++k) {
      if (T(k).kind == TokenKind::kWord) t.push_back(k);
    }
    if (t.empty()) return n;
    if (Class(t[0]) == WordClass::kDeterminer) {
      n.role = DisplayOf(t[0], t.back());
      n.unnamed = true;
      return n;
    }
    auto roleish = [&](uint32_t k) {
      const WordClass c = Class(k);
      return c == WordClass::kRole || c == WordClass::kOrg || c == WordClass::kPlace || c == WordClass::kConnector ||
             c == WordClass::kModifier || c == WordClass::kTitle;
    };
    size_t i = 0;
    while (i < t.size() && Class(t[i]) == WordClass::kTitle) ++i;
    std::string titles = i > 0 ? DisplayOf(t[0], t[i - 1]) : "";
    auto join = [](std::string a, const std::string& b) {
      if (a.empty()) return b;
      if (b.empty()) return a;
      return a + " " + b;
    };
    if (i < t.size() && Class(t[i]) == WordClass::kOrg && (i + 1 >= t.size() || Class(t[i + 1]) != WordClass::kNone)) {
      // An organisation speaking: "وزارت امور خارجه اعلام کرد".
      SetName(&n, t[i], t.back());
      n.group = true;
      n.role = titles;
      return n;
    }
    if (i < t.size() && Class(t[i]) != WordClass::kRole && Class(t[i]) != WordClass::kModifier) {
      // NAME ROLE: "ناصر کنعانی سخنگوی وزارت امور خارجه"; a name may hold
      // words that also name places or bodies (محمد اسلامی، نیویورک تایمز).
      size_t b = i;
      while (b < t.size() && Class(t[b]) != WordClass::kRole && Class(t[b]) != WordClass::kTitle) ++b;
      SetName(&n, t[i], t[b - 1]);
      n.role = join(titles, b < t.size() ? DisplayOf(t[b], t.back()) : "");
      return n;
    }
    if (i >= t.size()) {   // titles only
      n.role = titles;
      n.unnamed = true;
      return n;
    }
    // ROLE NAME: "سخنگوی وزارت امور خارجه ناصر کنعانی". The role may hold
    // words no list has (سازمان «فضایی» ایران): the name is what follows
    // the last title, role, organisation or place word, up to four words.
    size_t last = i;
    for (size_t m = i; m < t.size(); ++m) {
      if (roleish(t[m])) last = m;
    }
    const size_t b = last + 1;
    if (b < t.size() && t.size() - b <= 4) {
      SetName(&n, t[b], t.back());
      n.role = join(titles, DisplayOf(t[i], t[last]));
      return n;
    }
    n.role = join(titles, DisplayOf(t[i], t.back()));
    n.unnamed = true;
    return n;
  }

  // Named people opening a sentence ("Maria Lopez arrived in Kabul."):
  // what a later "she" or "وی" may stand for even if they said nothing.
  void FindMentions() {
    const uint32_t n = N();
    for (uint32_t k = 0; k < n; ++k) {
      if (sent_first_[k] != k || InQuote(k)) continue;
      const uint32_t end = std::min(sent_end_[k], para_end_[k]);
      TokRange np;
      if (persian_) {
        np = PersianSubject(SkipLeads(k, end), end);
      } else {
        np = NounPhraseAfter(SkipDateline(k), end);
      }
      if (np.empty() || (np.last - np.first == 1 && IsPronoun(np.first))) continue;
      const Name nm = Canonical(np);
      if (nm.name.empty() || nm.group || nm.name.find(' ') == std::string::npos) continue;
      if (persian_ && nm.role.empty()) continue;   // a role marks a person: "محمد طاهری مدیرعامل ..."
      mentions_.push_back({np.first, nm.name});
    }
  }

  // ---- Output ----

  std::vector<Statement> Emit() {
    std::sort(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
      return a.parts.front().first < b.parts.front().first;
    });
    // Two finds over the same content: keep the first (direct quotes and
    // colon speech are found before reported speech).
    std::vector<Statement> out;
    std::string last_person, last_group, last_any;
    uint32_t last_person_at = 0;
    uint32_t covered_until = 0;
    for (const Found& f : found_) {
      if (f.parts.empty() || f.parts.front().empty()) continue;
      if (f.parts.front().first < covered_until) continue;
      covered_until = f.parts.back().last;
      Statement s;
      s.document_id = doc_.id;
      s.id = StrCat(doc_.id, "#", out.size());
      s.language = text_.language;
      s.kind = f.kind;
      for (const TokRange& p : f.parts) {
        if (p.empty()) continue;
        s.content_parts.push_back(Span{T(p.first).original.begin, T(p.last - 1).original.end});
        if (!s.content.empty()) s.content += " ";
        s.content += DisplayOf(p.first, p.last - 1);
      }
      if (s.content_parts.empty()) continue;
      s.content_span = {s.content_parts.front().begin, s.content_parts.back().end};
      if (s.content_parts.size() == 1) s.content_parts.clear();
      for (int r : f.fragments) {
        for (const TokRange& p : regions_[r].parts) {
          if (!p.empty()) s.fragments.push_back(Span{T(p.first).original.begin, T(p.last - 1).original.end});
        }
      }
      uint32_t frame_first = f.frame.first, frame_last = f.frame.last;
      if (f.cue) {
        s.cue_span = Span{T(f.cue->first).original.begin, T(f.cue->last - 1).original.end};
        s.cue = CollapseSpaces(std::string_view(doc_.text).substr(s.cue_span->begin, s.cue_span->size()));
        s.cue_lemma = cue_of_[f.cue->first] ? cue_of_[f.cue->first]->lemma : "";
        frame_first = std::min(frame_first, f.cue->first);
        frame_last = std::max(frame_last, f.cue->last);
      }
      s.confidence = f.confidence;
      if (!f.speaker.empty()) {
        frame_first = std::min(frame_first, f.speaker.first);
        frame_last = std::max(frame_last, f.speaker.last);
        s.speaker_span = Span{T(f.speaker.first).original.begin, T(f.speaker.last - 1).original.end};
        if (f.speaker.last - f.speaker.first == 1 && IsPronoun(f.speaker.first)) {
          const auto& m = persian_ ? x_.pronouns_fa_ : x_.pronouns_en_;
          const Extractor::Referent ref = m.find(Key(f.speaker.first))->second;
          // The person last named before the pronoun, as a speaker or as
          // the subject of a sentence.
          std::string person = last_person;
          uint32_t person_at = last_person.empty() ? 0 : last_person_at;
          for (const auto& [at, name] : mentions_) {
            if (at < f.speaker.first && (person.empty() || at > person_at)) {
              person = name;
              person_at = at;
            }
          }
          const std::string& who = ref == Extractor::Referent::kPerson ? person
                                   : !last_group.empty()              ? last_group
                                                                      : last_any;
          s.speaker = who;
          s.speaker_status = who.empty() ? SpeakerStatus::kUnresolved : SpeakerStatus::kResolved;
          if (who.empty()) s.confidence = std::min(s.confidence, 0.6);
        } else {
          const Name nm = Canonical(f.speaker);
          s.speaker = nm.name;
          s.speaker_role = nm.role;
          if (!nm.name.empty()) {
            s.speaker_name_span = Span{T(nm.name_first).original.begin, T(nm.name_last).original.end};
          }
          s.speaker_status = nm.name.empty() ? SpeakerStatus::kUnnamed : SpeakerStatus::kNamed;
          if (!nm.name.empty()) {
            (nm.group ? last_group : last_person) = nm.name;
            if (!nm.group) last_person_at = f.speaker.first;
            last_any = nm.name;
          }
        }
      } else if (f.inherit && !last_any.empty()) {
        s.speaker = last_any;
        s.speaker_status = SpeakerStatus::kInherited;
      }
      frame_last = std::max(frame_last, f.parts.back().last);
      frame_first = std::min(frame_first, f.parts.front().first);
      s.sentence_span = Span{T(frame_first).original.begin, T(frame_last - 1).original.end};
      if (!s.sentence_span.Contains(s.content_span)) s.sentence_span = s.content_span;
      out.push_back(std::move(s));
    }
    return out;
  }

  const Extractor& x_;
  const Document& doc_;
  const NormalizedText& text_;
  const std::vector<Token>& toks_;
  const bool persian_;
  std::vector<uint32_t> para_, sent_, para_end_, sent_first_, sent_end_;
  std::vector<Mark> mark_;
  std::vector<WordClass> class_;
  std::vector<const Extractor::WordFacts*> facts_;
  std::vector<bool> pronoun_, skip_;
  std::vector<bool> wide_;   // a two-token mark (`` or ''), the second token after it
  std::vector<int> region_of_;
  std::vector<Region> regions_;
  std::vector<uint32_t> cue_len_, phrase_len_;
  std::vector<const Extractor::Cue*> cue_of_;
  std::vector<const Extractor::Phrase*> phrase_of_;
  std::vector<bool> used_cue_;
  std::vector<Found> found_;
  std::vector<std::pair<uint32_t, TokRange>> clause_speakers_;
  std::vector<std::pair<uint32_t, std::string>> mentions_;   // (token, name) in order
};

absl::StatusOr<std::unique_ptr<Extractor>> Extractor::Load(const ExtractorData& data) {
  std::unique_ptr<Extractor> x(new Extractor());
  const Normalizer& normalizer = Normalizer::Default();
  auto keys = [&](std::string_view text, Language lang) -> absl::StatusOr<std::vector<std::string>> {
    auto norm = normalizer.Normalize(text, lang);
    if (!norm.ok()) return norm.status();
    std::vector<std::string> out;
    for (const Token& t : norm->tokens) out.push_back(t.key);
    return out;
  };
  auto load_cues = [&](std::string_view text, std::string_view file, Language lang,
                       std::vector<Cue>* cues) -> absl::Status {
    absl::flat_hash_set<std::string> seen;
    return ForEachTsvRecord(text, file, 2, 3, [&](const TsvRecord& r) -> absl::Status {
      auto k = keys(r.fields[0], lang);
      if (!k.ok()) return r.Error(AsStd(k.status().message()));
      Cue cue;
      cue.tokens = *std::move(k);
      if (cue.tokens.empty()) return r.Error("cue has no tokens");
      if (!seen.insert(StrJoin(cue.tokens, " ")).second) {
        return r.Error(StrCat("duplicate cue '", r.fields[0], "' (same match key as an earlier line)"));
      }
      cue.lemma = std::string(r.fields[1]);
      if (r.fields.size() == 3) {
        for (std::string_view flags = r.fields[2]; !flags.empty();) {
          const size_t comma = flags.find(',');
          const std::string_view flag = flags.substr(0, comma);
          flags = comma == std::string_view::npos ? std::string_view() : flags.substr(comma + 1);
          if (flag == "object") cue.object = true;
          else if (flag == "that") cue.that_only = true;
          else return r.Error(StrCat("unknown flag '", flag, "' (object, that)"));
        }
      }
      cues->push_back(std::move(cue));
      return absl::OkStatus();
    });
  };
  RETURN_IF_ERROR(load_cues(data.cues_en, "cues_en.tsv", Language::kEnglish, &x->cues_en_));
  RETURN_IF_ERROR(load_cues(data.cues_fa, "cues_fa.tsv", Language::kPersian, &x->cues_fa_));
  auto language = [](std::string_view s) {
    return s == "en" ? Language::kEnglish : s == "fa" ? Language::kPersian : Language::kUnspecified;
  };
  RETURN_IF_ERROR(ForEachTsvRecord(data.pronouns, "pronouns.tsv", 3, 3, [&](const TsvRecord& r) -> absl::Status {
    const Language lang = language(r.fields[1]);
    if (lang == Language::kUnspecified) return r.Error("language must be en or fa");
    if (r.fields[2] != "person" && r.fields[2] != "group") return r.Error("referent must be person or group");
    auto k = keys(r.fields[0], lang);
    if (!k.ok() || k->size() != 1) return r.Error("pronoun must be one word");
    auto& m = lang == Language::kEnglish ? x->pronouns_en_ : x->pronouns_fa_;
    if (!m.emplace((*k)[0], r.fields[2] == "person" ? Referent::kPerson : Referent::kGroup).second) {
      return r.Error("duplicate pronoun");
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(ForEachTsvRecord(data.speaker_skip_en, "speaker_skip_en.txt", 1, 1, [&](const TsvRecord& r) {
    if (!x->speaker_skip_en_.insert(std::string(r.fields[0])).second) return r.Error("duplicate word");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(ForEachTsvRecord(data.speaker_stops_fa, "speaker_stops_fa.txt", 1, 1, [&](const TsvRecord& r) {
    auto k = keys(r.fields[0], Language::kPersian);
    if (!k.ok() || k->size() != 1) return r.Error("stop word must be one word");
    if (!x->speaker_stops_fa_.insert((*k)[0]).second) return r.Error("duplicate stop word");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(ForEachTsvRecord(data.attributions, "attributions.tsv", 3, 3, [&](const TsvRecord& r) -> absl::Status {
    const Language lang = language(r.fields[1]);
    if (lang == Language::kUnspecified) return r.Error("language must be en or fa");
    Phrase ph;
    if (r.fields[2] == "according") ph.role = AttributionRole::kAccording;
    else if (r.fields[2] == "lead") ph.role = AttributionRole::kLead;
    else if (r.fields[2] == "source") ph.role = AttributionRole::kSource;
    else if (r.fields[2] == "clause") ph.role = AttributionRole::kClause;
    else return r.Error("role must be according, lead, source or clause");
    auto k = keys(r.fields[0], lang);
    if (!k.ok() || k->empty()) return r.Error("phrase has no tokens");
    ph.tokens = *std::move(k);
    auto& list = lang == Language::kEnglish ? x->phrases_en_ : x->phrases_fa_;
    for (const Phrase& p : list) {
      if (p.tokens == ph.tokens) return r.Error("duplicate phrase (same match key as an earlier line)");
    }
    list.push_back(std::move(ph));
    return absl::OkStatus();
  }));
  auto load_titles = [&](std::string_view text, std::string_view file, Language lang,
                         absl::flat_hash_map<std::string, WordClass>* m) {
    return ForEachTsvRecord(text, file, 2, 2, [&](const TsvRecord& r) -> absl::Status {
      static const std::pair<std::string_view, WordClass> kClasses[] = {
          {"title", WordClass::kTitle},         {"role", WordClass::kRole}, {"modifier", WordClass::kModifier},
          {"org", WordClass::kOrg},             {"place", WordClass::kPlace},
          {"connector", WordClass::kConnector}, {"determiner", WordClass::kDeterminer}};
      WordClass cls = WordClass::kNone;
      for (const auto& [name, c] : kClasses) {
        if (r.fields[1] == name) cls = c;
      }
      if (cls == WordClass::kNone) return r.Error("class must be title, role, modifier, org, place, connector or determiner");
      auto k = keys(r.fields[0], lang);
      if (!k.ok() || k->size() != 1) return r.Error("a title entry must be one word");
      auto [it, inserted] = m->emplace((*k)[0], cls);
      if (!inserted && it->second != cls) return r.Error("word listed earlier with another class");
      return absl::OkStatus();
    });
  };
  RETURN_IF_ERROR(load_titles(data.titles_en, "titles_en.tsv", Language::kEnglish, &x->titles_en_));
  RETURN_IF_ERROR(load_titles(data.titles_fa, "titles_fa.tsv", Language::kPersian, &x->titles_fa_));
  RETURN_IF_ERROR(ForEachTsvRecord(data.abbreviations_en, "abbreviations_en.txt", 1, 1, [&](const TsvRecord& r) {
    std::string w(r.fields[0]);
    for (char& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!x->abbreviations_en_.insert(w).second) return r.Error("duplicate abbreviation");
    return absl::OkStatus();
  }));
  // Longest first, so that "تأکید کرده است" wins over a shorter prefix.
  for (auto* cues : {&x->cues_en_, &x->cues_fa_}) {
    std::stable_sort(cues->begin(), cues->end(),
                     [](const Cue& a, const Cue& b) { return a.tokens.size() > b.tokens.size(); });
  }
  for (auto* list : {&x->phrases_en_, &x->phrases_fa_}) {
    std::stable_sort(list->begin(), list->end(),
                     [](const Phrase& a, const Phrase& b) { return a.tokens.size() > b.tokens.size(); });
  }
  for (int side = 0; side < 2; ++side) {
    const auto& cues = side == 0 ? x->cues_en_ : x->cues_fa_;
    const auto& phrases = side == 0 ? x->phrases_en_ : x->phrases_fa_;
    for (uint32_t i = 0; i < cues.size(); ++i) {
      (side == 0 ? x->cue_first_en_ : x->cue_first_fa_)[cues[i].tokens.front()].push_back(i);
      (side == 0 ? x->cue_last_en_ : x->cue_last_fa_)[cues[i].tokens.back()].push_back(i);
    }
    for (uint32_t i = 0; i < phrases.size(); ++i) {
      (side == 0 ? x->phrase_first_en_ : x->phrase_first_fa_)[phrases[i].tokens.front()].push_back(i);
    }
  }
  for (int side = 0; side < 2; ++side) {
    auto& facts = side == 0 ? x->facts_en_ : x->facts_fa_;
    for (const auto& [w, c] : side == 0 ? x->titles_en_ : x->titles_fa_) facts[w].word_class = c;
    for (const auto& [w, r] : side == 0 ? x->pronouns_en_ : x->pronouns_fa_) facts[w].pronoun = true;
    for (const auto& w : side == 0 ? x->speaker_skip_en_ : x->speaker_stops_fa_) facts[w].skip = true;
    for (const auto& [w, ids] : side == 0 ? x->cue_first_en_ : x->cue_first_fa_) facts[w].cues = &ids;
    for (const auto& [w, ids] : side == 0 ? x->phrase_first_en_ : x->phrase_first_fa_) facts[w].phrases = &ids;
  }
  return x;
}

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kDirect: return "direct";
    case StatementKind::kColon: return "colon";
    case StatementKind::kReported: return "reported";
    case StatementKind::kAccordingTo: return "according-to";
  }
  return "unknown";
}

std::string NameKey(std::string_view name, Language language) {
  if (name == "-" || name.empty()) return "";
  auto n = Normalizer::Default().Normalize(name, language);
  if (!n.ok()) return std::string(name);
  std::string out;
  for (const Token& t : n->tokens) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kNumber) continue;
    if (!out.empty()) out += " ";
    out += t.key;
  }
  return out;
}

ExtractorData Extractor::EmbeddedData() {
  return {data::kCuesEn,       data::kCuesFa,    data::kPronouns, data::kSpeakerStopsFa,  data::kSpeakerSkipEn,
          data::kAttributions, data::kTitlesEn,  data::kTitlesFa, data::kAbbreviationsEn};
}

const Extractor& Extractor::Default() {
  static const Extractor* x = [] {
    auto loaded = Load(EmbeddedData());
    if (!loaded.ok()) {   // embedded data is pinned by tests
      std::fprintf(stderr, "embedded extractor data: %s\n", std::string(loaded.status().message()).c_str());
      std::abort();
    }
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
