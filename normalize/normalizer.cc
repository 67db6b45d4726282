#include "normalize/normalizer.h"

#include <cstdlib>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/unicode.h"

namespace quotematch {
namespace {

class Builder {
 public:
  Builder(const CharRules& rules, NormalizedText* out) : rules_(rules), out_(out) {}

  void Emit(char32_t c, Span from) {
    if (const CharRule* rule = rules_.Find(c)) {
      AppendDisplay(rule->display, from);
      for (size_t i = 0; i < rule->key.size();) AppendKey(DecodeUtf8(rule->key, &i), from);
      return;
    }
    size_t before = out_->display.size();
    AppendUtf8(c, &out_->display);
    out_->display_map.resize(out_->display.size(), from);
    (void)before;
    AppendKey(unicode::FoldCase(c), from);
  }

 private:
  void AppendDisplay(const std::string& bytes, Span from) {
    out_->display.append(bytes);
    out_->display_map.resize(out_->display.size(), from);
  }

  void AppendKey(char32_t c, Span from) {
    if (unicode::IsWhitespace(c)) {
      if (out_->key.empty() || out_->key.back() == ' ') return;
      c = ' ';
    }
    AppendUtf8(c, &out_->key);
    out_->key_map.resize(out_->key.size(), from);
  }

  const CharRules& rules_;
  NormalizedText* out_;
};

bool IsWordChar(char32_t c) { return unicode::IsLetter(c) || unicode::IsMark(c); }

double ParseNumber(std::string_view key) {
  std::string digits;
  digits.reserve(key.size());
  for (char ch : key) {
    if (ch != ',') digits.push_back(ch);
  }
  return std::strtod(digits.c_str(), nullptr);
}

void Tokenize(std::string_view original, NormalizedText* t) {
  const std::string& key = t->key;
  size_t i = 0;
  while (i < key.size()) {
    size_t start = i;
    char32_t c = DecodeUtf8(key, &i);
    if (unicode::IsWhitespace(c)) continue;
    Token tok;
    if (unicode::DigitValue(c) >= 0) {
      tok.kind = TokenKind::kNumber;
      while (i < key.size()) {
        size_t j = i;
        char32_t d = DecodeUtf8(key, &j);
        if (unicode::DigitValue(d) >= 0) {
          i = j;
          continue;
        }
        if ((d == '.' || d == ',') && j < key.size()) {
          size_t k = j;
          if (unicode::DigitValue(DecodeUtf8(key, &k)) >= 0) {
            i = j;
            continue;
          }
        }
        break;
      }
    } else if (IsWordChar(c)) {
      tok.kind = TokenKind::kWord;
      while (i < key.size()) {
        size_t j = i;
        char32_t d = DecodeUtf8(key, &j);
        if (IsWordChar(d) || unicode::DigitValue(d) >= 0) {
          i = j;
          continue;
        }
        // An apostrophe or hyphen between letters stays inside the word
        // (iran's, al-adl).
        if ((d == '\'' || d == '-') && j < key.size()) {
          size_t k = j;
          if (IsWordChar(DecodeUtf8(key, &k))) {
            i = j;
            continue;
          }
        }
        break;
      }
    } else {
      tok.kind = TokenKind::kPunctuation;
    }
    tok.key_span = Span{static_cast<uint32_t>(start), static_cast<uint32_t>(i)};
    tok.key.assign(key, start, i - start);
    tok.original = t->KeyToOriginal(tok.key_span);
    if (tok.kind == TokenKind::kNumber) tok.number = ParseNumber(tok.key);
    size_t p = tok.original.begin;
    if (p < original.size()) {
      char32_t first = DecodeUtf8(original, &p);
      tok.capitalized = unicode::IsUpper(first);
    }
    size_t q = 0;
    tok.arabic_script = unicode::IsArabicScript(DecodeUtf8(tok.key, &q));
    t->tokens.push_back(std::move(tok));
  }
}

}  // namespace

Language DetectLanguage(std::string_view text) {
  size_t arabic = 0, latin = 0, i = 0, seen = 0;
  while (i < text.size() && seen < 2000) {
    char32_t c = DecodeUtf8(text, &i);
    if (unicode::IsArabicScript(c) && unicode::IsLetter(c)) {
      ++arabic;
      ++seen;
    } else if (c < 0x250 && unicode::IsLetter(c)) {
      ++latin;
      ++seen;
    }
  }
  return arabic > latin ? Language::kPersian : Language::kEnglish;
}

const Normalizer& Normalizer::Default() {
  static const Normalizer normalizer(CharRules::Default());
  return normalizer;
}

absl::StatusOr<NormalizedText> Normalizer::Normalize(std::string_view text,
                                                     Language language) const {
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte ", bad));
  }
  if (text.size() > 0xFFFFFFF0u) {
    return absl::ResourceExhaustedError("text larger than 4 GiB");
  }
  NormalizedText out;
  out.language = language == Language::kUnspecified ? DetectLanguage(text) : language;
  out.display.reserve(text.size());
  out.display_map.reserve(text.size());
  out.key.reserve(text.size());
  out.key_map.reserve(text.size());

  Builder builder(rules_, &out);
  std::string segment_out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t begin = i;
    const char32_t first = DecodeUtf8(text, &i);
    // Extend the NFKC segment over everything that may combine with it.
    size_t end = i;
    while (end < text.size()) {
      size_t next = end;
      char32_t c = DecodeUtf8(text, &next);
      if (unicode::NfkcBoundaryBefore(c)) break;
      end = next;
    }
    const Span from{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
    if (end == i && unicode::NfkcIsIdentity(first)) {
      builder.Emit(first, from);
    } else {
      segment_out.clear();
      unicode::NfkcAppendUtf8(text.substr(begin, end - begin), &segment_out);
      for (size_t k = 0; k < segment_out.size();) builder.Emit(DecodeUtf8(segment_out, &k), from);
    }
    i = end;
  }
  // The key never ends in the space that collapsed a trailing whitespace run.
  if (!out.key.empty() && out.key.back() == ' ') {
    out.key.pop_back();
    out.key_map.pop_back();
  }
  Tokenize(text, &out);
  return out;
}

}  // namespace quotematch
